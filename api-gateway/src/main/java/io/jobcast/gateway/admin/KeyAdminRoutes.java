package io.jobcast.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobcast.api.Problem;
import io.jobcast.api.ProblemType;
import io.jobcast.api.Tenants;
import io.jobcast.gateway.ApiKeys;
import io.jobcast.gateway.config.GatewayConfig;
import io.jobcast.gateway.proxy.ProblemAnswers;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The admin API: makes, lists and revokes API keys ({@code ./jobcast keys} calls it). It answers only
 * when {@code jobcast.gateway.admin-key} is set, and only to requests that present that credential
 * ({@code Authorization: Bearer}); without the setting every path under /admin/ is a 404, as if there
 * were no such API. API keys do not open it, and it is not rate-limited.
 */
@ApplicationScoped
public class KeyAdminRoutes {

    public static final String KEYS = "/admin/v1/api-keys";
    private static final int MAX_BODY_BYTES = 16 * 1024;

    private static final Logger LOG = Logger.getLogger(KeyAdminRoutes.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9 ._:-]{0,64}");
    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{8,64}");

    private final ApiKeys keys;
    private final ProblemAnswers problems;
    private final ObjectMapper mapper;
    private final Optional<byte[]> adminKey;

    public KeyAdminRoutes(ApiKeys keys, ProblemAnswers problems, ObjectMapper mapper, GatewayConfig config) {
        this.keys = keys;
        this.problems = problems;
        this.mapper = mapper;
        this.adminKey = config.adminKey().filter(key -> !key.isBlank()).map(ApiKeys::digest)
                .map(digest -> digest.getBytes(StandardCharsets.US_ASCII));
    }

    void install(@Observes Router router) {
        router.route("/admin/*").order(-800).handler(this::admitted);
        router.post(KEYS).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)).handler(this::make);
        router.get(KEYS).handler(this::list);
        router.delete(KEYS + "/:id").handler(this::revoke);
        router.route("/admin/*").failureHandler(context -> problems.sendFailure(context, MAX_BODY_BYTES));
        router.route("/admin/*").handler(context -> problems.send(context, ProblemType.forStatus(404)));
        if (adminKey.isPresent()) {
            LOG.info("the admin API is on (jobcast.gateway.admin-key is set)");
        }
    }

    private void admitted(RoutingContext context) {
        if (adminKey.isEmpty()) {
            problems.send(context, ProblemType.forStatus(404));
            return;
        }
        String authorization = context.request().getHeader("Authorization");
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
        if (presented == null || !MessageDigest.isEqual(adminKey.get(),
                ApiKeys.digest(presented).getBytes(StandardCharsets.US_ASCII))) {
            problems.send(context, ProblemType.ADMIN_UNAUTHORIZED.with("The admin API needs the admin credential"
                    + " (jobcast.gateway.admin-key) as Authorization: Bearer <credential>; API keys do not open it."));
            return;
        }
        context.next();
    }

    /** {@code {"tenant": "acme", "name": "ci"}}: 201 with the key, shown this once. */
    private void make(RoutingContext context) {
        JsonNode body;
        try {
            body = mapper.readTree(context.body().asString());
        } catch (JsonProcessingException | RuntimeException e) {
            problems.send(context, ProblemType.MALFORMED_JSON.with("The request body is not valid JSON."));
            return;
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        String tenant = body == null ? null : body.path("tenant").asText(null);
        String name = body == null || body.path("name").isMissingNode() ? "" : body.path("name").asText(null);
        if (!Tenants.isValid(tenant)) {
            errors.add(new Problem.FieldError("tenant", "must be 1-64 of a-z 0-9 . _ - starting with a letter or digit"));
        }
        if (name == null || !NAME.matcher(name).matches()) {
            errors.add(new Problem.FieldError("name", "must be at most 64 of letters, digits, space . _ : -"));
        }
        if (!errors.isEmpty()) {
            problems.send(context, ProblemType.INVALID_REQUEST.with("The API key request has " + errors.size()
                    + " invalid field(s); see 'errors'.", errors));
            return;
        }
        keys.make(tenant, name).subscribe().with(made -> {
            LOG.infof("API key %s made for tenant '%s' (%s)", made.id(), tenant, name);
            context.response().putHeader("Location", KEYS + "/" + made.id());
            json(context, 201, made);
        }, context::fail);
    }

    private void list(RoutingContext context) {
        keys.list().subscribe().with(listed -> json(context, 200, Map.of("keys", listed)), context::fail);
    }

    private void revoke(RoutingContext context) {
        String id = context.pathParam("id");
        if (!KEY_ID.matcher(id).matches()) {
            problems.send(context, ProblemType.INVALID_REQUEST.with("A key id is 8 to 64 hex digits, as the list shows"
                    + " it.", List.of(new Problem.FieldError("id", "must be 8 to 64 of 0-9 a-f"))));
            return;
        }
        keys.revoke(id).subscribe().with(revoked -> {
            LOG.infof("API key %s revoked", id);
            context.response().setStatusCode(204).end();
        }, failure -> {
            if (failure instanceof ApiKeys.NoSuchKey missing) {
                problems.send(context, ProblemType.API_KEY_NOT_FOUND.with(missing.getMessage()));
            } else {
                context.fail(failure);
            }
        });
    }

    private void json(RoutingContext context, int status, Object body) {
        try {
            context.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store").end(mapper.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            context.fail(e);
        }
    }
}
