package io.jobcast.progress.html;

import io.jobcast.api.InternalHeaders;
import io.jobcast.api.JobIds;
import io.jobcast.api.JobRecord;
import io.jobcast.api.Problem;
import io.jobcast.api.ProblemException;
import io.jobcast.api.Tenants;
import io.jobcast.progress.store.EventLogReader;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Server-rendered progress for sites without a JavaScript client: a fragment with the job's
 * {@code <progress>} bar, for pages that poll it with {@code fetch}, jQuery's {@code .load()} or
 * htmx, and a whole page that works with JavaScript switched off, refreshing itself until the job ends.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class ProgressPages {

    /** How often the no-JavaScript page reloads while the job runs. */
    static final int REFRESH_SECONDS = 2;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance fragment(JobRecord job);

        static native TemplateInstance page(JobRecord job, int refreshSeconds);
    }

    private final EventLogReader log;

    public ProgressPages(EventLogReader log) {
        this.log = log;
    }

    @GET
    @Path("api/v1/jobs/{id}/progress.html")
    public Uni<TemplateInstance> fragment(@HeaderParam(InternalHeaders.TENANT) String tenant, @PathParam("id") String id) {
        return job(tenant, id).map(Templates::fragment);
    }

    @GET
    @Path("jobs/{id}")
    public Uni<TemplateInstance> page(@HeaderParam(InternalHeaders.TENANT) String tenant, @PathParam("id") String id) {
        return job(tenant, id).map(job -> Templates.page(job, job.state().isTerminal() ? 0 : REFRESH_SECONDS));
    }

    private Uni<JobRecord> job(String tenant, String id) {
        if (!JobIds.isValid(id) || !Tenants.isValid(tenant)) {
            return Uni.createFrom().failure(new ProblemException(Problem.jobNotFound(id)));
        }
        return log.record(tenant, id)
                .onItem().ifNotNull().transform(job -> job.tenant().equals(tenant) ? job : null)
                .onItem().ifNull().failWith(() -> new ProblemException(Problem.jobNotFound(id)));
    }
}
