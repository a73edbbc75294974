package io.jobcast.api;

import java.util.regex.Pattern;

/** Tenant ids: they name Redis keys and appear in events, so their alphabet is narrow. */
public final class Tenants {

    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private Tenants() {
    }

    public static boolean isValid(String tenant) {
        return tenant != null && VALID.matcher(tenant).matches();
    }

    /** Returns the tenant, or throws if it could not be a tenant id (a bug, not bad input). */
    public static String requireValid(String tenant) {
        if (!isValid(tenant)) {
            throw new IllegalArgumentException("not a tenant id: '" + tenant + "'");
        }
        return tenant;
    }
}
