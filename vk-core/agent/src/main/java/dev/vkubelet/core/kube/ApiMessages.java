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
}
