package dev.vkubelet.core.cli;

/** A flag, environment variable or file given to the command is invalid; the message says which and why. */
public final class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
