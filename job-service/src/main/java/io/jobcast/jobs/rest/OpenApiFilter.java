package io.jobcast.jobs.rest;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Puts the batch endpoint under the path clients use, {@code /api/v1/jobs:batch}: its JAX-RS template
 * is a regular expression (a literal colon would never match next to {@code /jobs}), which the
 * generator would otherwise show as a path parameter. Durations are described as the API takes them.
 */
public class OpenApiFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        PathItem batch = openAPI.getPaths().getPathItem("/api/v1/{batch}");
        if (batch != null) {
            openAPI.getPaths().removePathItem("/api/v1/{batch}");
            batch.getPOST().setParameters(null);
            openAPI.getPaths().addPathItem("/api/v1/jobs:batch", batch);
        }
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        // java.time.Duration is scanned as format "duration" (ISO-8601 only); the API also takes "30s".
        Schema duration = openAPI.getComponents().getSchemas() == null ? null
                : openAPI.getComponents().getSchemas().get("Duration");
        if (duration != null) {
            duration.setFormat(null);
        }
    }
}
