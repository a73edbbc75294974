package io.jobcast.system;

import static io.jobcast.system.EventClients.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How the gateway serves the web UI: client-side routes, cache headers, CSP, and the examples' own scripts. */
@Order(4)
@ExtendWith(RunningSuite.class)
class WebUiServingTest {

    @Test
    void everyAppRouteAnswersTheAppRevalidatedAndItsFingerprintedAssetsForAYear() throws Exception {
        HttpResponse<String> root = get("/");
        String script = firstMatch(root.body(), "src=\"(/assets/[^\"]+\\.js)\"");

        for (String route : new String[] {"/", "/ui/jobs", "/ui/jobs/4c0d5e1a-0000-4000-8000-000000000000?transport=sse", "/ui/operations"}) {
            HttpResponse<String> page = get(route);
            assertThat(page.statusCode()).as(route).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).as(route).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
            assertThat(page.body()).as(route).contains("<div id=\"root\"></div>").contains(script);
            assertThat(page.headers().firstValue("Cache-Control")).as(route).hasValue("no-cache");
            assertThat(page.headers().firstValue("Content-Security-Policy")).as(route)
                    .hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self';").contains("connect-src 'self'"));
        }
        HttpResponse<String> asset = get(script);
        assertThat(asset.statusCode()).isEqualTo(200);
        assertThat(asset.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
    }

    @Test
    void theAppsRoutesLeaveTheGatewaysOwnPagesAlone() throws Exception {
        String id = Jobs.submit("{\"type\":\"demo.sleep\",\"payload\":{\"steps\":1,\"stepMillis\":0}}");
        String share = EventClients.MAPPER.readTree(Jobs.post("/api/v1/jobs/" + id + "/share", "{}").body()).path("url").asText();

        HttpResponse<String> noJavaScriptPage = get(share);

        assertThat(noJavaScriptPage.statusCode()).isEqualTo(200);
        assertThat(noJavaScriptPage.body()).contains("<progress").doesNotContain("<div id=\"root\">");
        assertThat(get("/api/v1/nothing-here").headers().firstValue("Content-Type")).hasValue("application/problem+json");
        // The gateway sends what it does not route elsewhere under /api/v1/ to job-service, which says there is no such endpoint.
        HttpResponse<String> unknown = HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway("/api/v1/nothing-here"))
                .header("X-API-Key", RunningSuite.apiKey()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
        assertThat(unknown.body()).contains("/problems/no-such-endpoint");
    }

    @Test
    void theExamplesLoadJqueryAndHtmxFromThisOrigin() throws Exception {
        for (String vendor : new String[] {"/examples/vendor/jquery.min.js", "/examples/vendor/htmx.min.js"}) {
            HttpResponse<String> script = get(vendor);
            assertThat(script.statusCode()).as(vendor).isEqualTo(200);
            assertThat(script.headers().firstValue("Content-Type")).as(vendor).hasValueSatisfying(t -> assertThat(t).contains("javascript"));
        }
        HttpResponse<String> example = get("/examples/jquery.html");
        assertThat(example.body()).contains("<script src=\"vendor/jquery.min.js\"></script>").doesNotContain("https://");
        assertThat(example.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).contains("'unsafe-inline'"));
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(RunningSuite.gateway(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String firstMatch(String text, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(text);
        assertThat(matcher.find()).as("%s in %s", regex, text).isTrue();
        return matcher.group(1);
    }
}
