package dev.webhookrelay.api.problem;

import dev.webhookrelay.support.RestRoutes.Operation;

/**
 * A generated request to the API. Its text may hold placeholders ({@link Fixture}) for ids and keys
 * that exist only once the relay runs; the property resolves them just before sending.
 *
 * @param pathId         what goes in place of {id}, as wire text
 * @param query          the query string as wire text, without '?', or null
 * @param credential     which credential is presented, and how
 * @param contentType    the Content-Type header's value, or null for none
 * @param idempotencyKey the Idempotency-Key header's value as bytes, or null for none
 * @param body           the body as bytes, or null for none
 * @param chunked        whether the body is sent with chunked framing instead of Content-Length
 */
record HostileRequest(Operation operation, String pathId, String query, Credential credential, String contentType,
        byte[] idempotencyKey, byte[] body, boolean chunked) {

    /** The credentials a caller can present, the right one among them. */
    enum Credential {
        /** The one the route expects: the admin token on /v1/admin, the tenant's API key elsewhere. */
        EXPECTED,
        EXPECTED_AS_X_API_KEY,
        EXPECTED_WITH_LOWERCASE_SCHEME,
        EXPECTED_PADDED_WITH_SPACES,
        ADMIN_TOKEN,
        TENANT_KEY,
        OTHER_TENANT_KEY,
        NONE,
        EMPTY_BEARER,
        SCHEME_ONLY,
        BASIC,
        UNKNOWN_KEY,
        HUGE_KEY,
        LATIN1_KEY,
        UTF8_KEY,
        NUL_IN_KEY,
        BAD_BEARER_AND_GOOD_X_API_KEY
    }
}
