package dev.vkubelet.core.kube;

import io.kubernetes.client.openapi.ApiException;

/** What the API server said when it refused a request: its Status message, never client-java's raw text. */
public final class ApiMessages {

    private ApiMessages() {}

    /**
     * The {@code message} of the error's Status body, else the body cut to 300 characters, else the
     * exception's message.
     */
    public static String of(ApiException e) {
        String body = e.getResponseBody();
        if (body != null && !body.isBlank()) {
            int at = body.indexOf("\"message\":");
            if (at >= 0) {
                int start = body.indexOf('"', at + 10) + 1;
                int end = body.indexOf("\",", start);
                if (start > 0 && end > start) {
                    return body.substring(start, end);
                }
            }
            return body.length() > 300 ? body.substring(0, 300) : body;
        }
        return String.valueOf(e.getMessage());
    }

    /**
     * A failed request in one line: {@code HTTP <code> <message>} ({@link #of}), or for a request
     * that got no answer {@code cannot reach the API server: <cause>}; never client-java's text,
     * which adds empty "HTTP response code/body/headers" lines.
     */
    public static String describe(ApiException e) {
        if (e.getCode() == 0) {
            Throwable root = e.getCause() != null ? e.getCause() : e;
            return "cannot reach the API server: " + root.getClass().getSimpleName()
                    + (root.getMessage() == null || root == e ? "" : ": " + root.getMessage());
        }
        return "HTTP " + e.getCode() + " " + of(e);
    }

    /**
     * {@code e}'s message, with client-java's raw text (an ApiException, or a wrapper whose message
     * is one's text) replaced by {@link #describe(ApiException)}.
     */
    public static String describe(Throwable e) {
        if (e instanceof ApiException api) {
            return describe(api);
        }
        String own = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ApiException api && own.contains("HTTP response code")) {
                return describe(api);
            }
        }
        return own;
    }
}
