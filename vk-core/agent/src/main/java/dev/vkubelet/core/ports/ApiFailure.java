package dev.vkubelet.core.ports;

/** A Kubernetes API call failed; {@link #code()} is the HTTP status, or 0 when none came back. */
public class ApiFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int code;

    public ApiFailure(int code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The HTTP status code, 0 for a transport failure. */
    public int code() {
        return code;
    }
}
