package dev.vkubelet.provider.cloudkit;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words as a shell does for the simple cases providers meet when they
 * interpret a container's command: blanks separate words, and single or double quotes keep a part
 * together (the quotes are dropped). No escapes, variables or globbing.
 */
public final class ShellWords {

    private ShellWords() {}

    /** The words of {@code text}; an unclosed quote runs to the end. */
    public static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
