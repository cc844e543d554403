package dev.vkubelet.core.env;

import java.util.function.Function;

/**
 * Kubernetes' {@code $(VAR)} expansion: {@code $(NAME)} becomes the value of NAME when it is
 * defined and stays as written when not; {@code $$} is a literal {@code $}; any other {@code $}
 * stays.
 */
public final class Expansion {

    private Expansion() {}

    /** Expands {@code input}; {@code lookup} returns null for undefined names. */
    public static String expand(String input, Function<String, String> lookup) {
        StringBuilder out = new StringBuilder(input.length());
        int checkpoint = 0;
        for (int cursor = 0; cursor < input.length(); cursor++) {
            if (input.charAt(cursor) != '$' || cursor + 1 >= input.length()) {
                continue;
            }
            out.append(input, checkpoint, cursor);
            char next = input.charAt(cursor + 1);
            int advance;
            if (next == '$') {
                out.append('$');
                advance = 1;
            } else if (next == '(') {
                int close = input.indexOf(')', cursor + 2);
                if (close < 0) {
                    out.append("$(");
                    advance = 1;
                } else {
                    String name = input.substring(cursor + 2, close);
                    String value = lookup.apply(name);
                    out.append(value != null ? value : "$(" + name + ")");
                    advance = close - cursor;
                }
            } else {
                out.append('$').append(next);
                advance = 1;
            }
            cursor += advance;
            checkpoint = cursor + 1;
        }
        out.append(input, Math.min(checkpoint, input.length()), input.length());
        return out.toString();
    }
}
