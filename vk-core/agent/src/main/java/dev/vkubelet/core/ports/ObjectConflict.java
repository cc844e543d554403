package dev.vkubelet.core.ports;

/** 409 on update: the object changed since it was read (resourceVersion or UID precondition). */
public final class ObjectConflict extends ApiFailure {

    private static final long serialVersionUID = 1L;

    public ObjectConflict(String message, Throwable cause) {
        super(409, message, cause);
    }
}
