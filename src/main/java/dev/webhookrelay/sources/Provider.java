package dev.webhookrelay.sources;

import java.util.Arrays;
import java.util.List;

/** The senders a source can verify, each by its own documented signature scheme (SignatureSchemes). */
public enum Provider {
    STRIPE("stripe"),
    GITHUB("github"),
    STANDARD_WEBHOOKS("standard-webhooks"),
    SHOPIFY("shopify"),
    HMAC("hmac");

    public static final List<String> CODES = Arrays.stream(values()).map(Provider::code).toList();

    private final String code;

    Provider(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The provider of that code, or null. */
    public static Provider of(String code) {
        for (Provider provider : values()) {
            if (provider.code.equals(code)) {
                return provider;
            }
        }
        return null;
    }
}
