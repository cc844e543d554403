package dev.vkubelet.provider;

/** A terminal's size in character cells. */
public record TerminalSize(int width, int height) {

    public TerminalSize {
        if (width < 0 || height < 0) {
            throw new IllegalArgumentException("negative terminal size " + width + "x" + height);
        }
    }
}
