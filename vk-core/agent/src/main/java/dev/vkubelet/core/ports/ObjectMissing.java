package dev.vkubelet.core.ports;

/** 404: the object does not exist. */
public final class ObjectMissing extends ApiFailure {

    private static final long serialVersionUID = 1L;

    public ObjectMissing(String message, Throwable cause) {
        super(404, message, cause);
    }
}
