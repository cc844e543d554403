package dev.vkubelet.provider;

/** The pod, container or resource does not exist. On delete the host counts it as done. */
public class NotFoundException extends ProviderException {

    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
