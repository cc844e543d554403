package dev.vkubelet.provider;

/**
 * The request cannot succeed as it is (a pod the backend cannot run, a malformed configuration).
 * The host records an event and does not retry the same input.
 */
public class InvalidInputException extends ProviderException {

    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
