package dev.vkubelet.core.plugin;

/** {@code --provider} names a provider that no loaded plugin offers. */
public final class UnknownProviderException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UnknownProviderException(String message) {
        super(message);
    }
}
