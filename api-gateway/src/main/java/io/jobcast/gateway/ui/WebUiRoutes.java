package io.jobcast.gateway.ui;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Serves the web UI (the web-ui jar's {@code META-INF/resources}, which Quarkus serves as static
 * files) as a single-page app: every client-side route under {@code /ui/} answers with
 * {@code index.html}, and caching follows the build's file names. Vite fingerprints everything
 * under {@code /assets/} (a new build, new names), so those are cached for a year and never
 * revalidated; {@code index.html}, which names the current assets, and the unfingerprinted
 * examples are revalidated on every use, so a deployment shows at the next page load.
 *
 * <p>The UI's routes live under {@code /ui/} rather than at the root so that they never shadow the
 * gateway's own paths: {@code /api/}, {@code /q/}, and {@code /jobs/{id}}, progress-service's page
 * that works without JavaScript.
 */
@ApplicationScoped
public class WebUiRoutes {

    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String REVALIDATE = "no-cache";

    private volatile Index index;

    void install(@Observes Router router) {
        router.route().order(-800).handler(WebUiRoutes::cacheHeaders);
        router.get("/ui").handler(this::index);
        router.get("/ui/*").handler(this::index);
        router.head("/ui").handler(this::index);
        router.head("/ui/*").handler(this::index);
    }

    /** Sets Cache-Control when the answer's head is written, over whatever the static file handler chose. */
    static void cacheHeaders(RoutingContext context) {
        String policy = cachePolicy(context.request().method(), context.normalizedPath());
        if (policy != null) {
            HttpServerResponse response = context.response();
            context.addHeadersEndHandler(ignored -> {
                int status = response.getStatusCode();
                if (status == 200 || status == 304) {
                    response.headers().set(HttpHeaders.CACHE_CONTROL, policy);
                }
            });
        }
        context.next();
    }

    /** The caching of a UI file; null for anything else (the API decides its own). */
    static String cachePolicy(HttpMethod method, String path) {
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            return null;
        }
        if (path.startsWith("/assets/")) {
            return IMMUTABLE;
        }
        if (path.equals("/") || path.equals("/index.html") || path.equals("/ui") || path.startsWith("/ui/")
                || path.startsWith("/examples/") || path.equals("/examples")) {
            return REVALIDATE;
        }
        return null;
    }

    private void index(RoutingContext context) {
        Index page = index();
        if (page == null) {
            context.next(); // built without the UI: a plain 404
            return;
        }
        HttpServerResponse response = context.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                .putHeader(HttpHeaders.ETAG, page.etag());
        if (page.etag().equals(context.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
            response.setStatusCode(304).end();
        } else if (context.request().method() == HttpMethod.HEAD) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(page.html().length)).end();
        } else {
            response.end(io.vertx.core.buffer.Buffer.buffer(page.html()));
        }
    }

    private Index index() {
        Index page = index;
        if (page == null) {
            page = Index.read();
            index = page;
        }
        return page;
    }

    /** The app's index.html, read once from the classpath, with an ETag of its content. */
    record Index(byte[] html, String etag) {

        static Index read() {
            try (InputStream in = Thread.currentThread().getContextClassLoader()
                    .getResourceAsStream("META-INF/resources/index.html")) {
                if (in == null) {
                    return null;
                }
                byte[] html = in.readAllBytes();
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(html);
                return new Index(html, "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
