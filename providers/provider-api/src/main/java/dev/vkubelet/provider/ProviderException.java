package dev.vkubelet.provider;

/**
 * The base of the errors a provider throws. A plain {@code ProviderException} (or any other
 * exception) means: record an event on the pod and retry with rate-limited backoff.
 */
public class ProviderException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ProviderException(String message) {
        super(message);
    }

    public ProviderException(String message, Throwable cause) {
        super(message, cause);
    }
}
