package dev.vkubelet.provider.aws.emulator;

/** An error answer: the HTTP status, the AWS error code ({@code __type}) and its message. */
final class ApiError extends RuntimeException {

    final int status;
    final String type;

    ApiError(int status, String type, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
    }
}
