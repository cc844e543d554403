package dev.vkubelet.provider.azure.emulator;

/** An ARM error answer: HTTP status and the CloudError body's code and message. */
final class ArmError extends RuntimeException {

    final int status;
    final String code;

    ArmError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }
}
