package dev.vkubelet.core.ownership;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** Lease names and label values made from node names and replica identities, always valid. */
final class LeaseNames {

    private static final int MAX_NAME = 253;
    private static final int MAX_LABEL = 63;

    private LeaseNames() {}

    /** {@code prefix + value} as a DNS subdomain; a value that does not fit keeps a digest of itself. */
    static String of(String prefix, String value) {
        String cleaned = value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
        String name = prefix + cleaned;
        if (name.length() <= MAX_NAME && cleaned.equals(value) && name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
            return name;
        }
        String digest = digest(value).substring(0, 10);
        String head = name.substring(0, Math.min(name.length(), MAX_NAME - 11)).replaceAll("[-.]+$", "");
        return head + "-" + digest;
    }

    /** {@code value} as a label value (63 characters at most); one that does not fit keeps a digest. */
    static String labelValue(String value) {
        if (value.length() <= MAX_LABEL && value.matches("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?")) {
            return value;
        }
        String cleaned = value.replaceAll("[^A-Za-z0-9_.-]", "-");
        String head = cleaned.substring(0, Math.min(cleaned.length(), MAX_LABEL - 11)).replaceAll("^[-_.]+|[-_.]+$", "");
        return (head.isEmpty() ? "x" : head) + "-" + digest(value).substring(0, 10);
    }

    private static String digest(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
