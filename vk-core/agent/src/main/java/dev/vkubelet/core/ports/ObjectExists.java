package dev.vkubelet.core.ports;

/** 409 on create: an object of that name exists already. */
public final class ObjectExists extends ApiFailure {

    private static final long serialVersionUID = 1L;

    public ObjectExists(String message, Throwable cause) {
        super(409, message, cause);
    }
}
