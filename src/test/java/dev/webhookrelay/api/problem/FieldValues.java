package dev.webhookrelay.api.problem;

import java.util.Collections;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * Values for one named field of a request body: the right type with values on and past its limits,
 * the wrong types, and any JSON at all.
 */
final class FieldValues {

    private FieldValues() {
    }

    static Arbitrary<String> of(String field) {
        List<String> plausible = switch (field) {
            case "type" -> List.of("\"fuzz.event\"", "\"order.created\"", "\"a b\"", "\"\"", "\"" + "x".repeat(129) + "\"",
                    "\"\\u0000\"", "[\"fuzz.event\"]");
            case "payload" -> List.of("{\"n\":1}", "{}", "[]", "\"text\"", "0", "{\"a\":\"\\u0000\"}",
                    "{\"\\u0000\":1}", "{\"a\":\"\\ud800\"}", "{\"n\":1e999999}", "{\"n\":-1e999999}",
                    "{\"n\":123456789012345678901234567890}", "{\"n\":0.1e-400}", "{\"a\":1,\"a\":2}");
            case "name" -> List.of("\"fuzz\"", "\"\"", "\" \"", "\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\"",
                    "\"" + "n".repeat(201) + "\"", "\"\u00e9\u00e8\ud83d\ude00\"", "1", "null");
            case "url" -> List.of("\"" + Fixture.RECEIVER_URL + "\"", "\"" + Fixture.RECEIVER_URL + "?q=\\u0000\"",
                    "\"https://example.com/hook\"", "\"ftp://example.com\"", "\"http://10.0.0.1/\"",
                    "\"http://169.254.169.254/latest\"", "\"http://u:p@example.com/\"", "\"http://[::1]/\"",
                    "\"http://[fe80::1%25eth0]/\"", "\"http://[::ffff:10.0.0.1]/\"", "\"http://%00/\"",
                    "\"http://ex ample.com\"", "\"javascript:alert(1)\"", "\"http://\"", "\"http:///x\"",
                    "\"http://" + "a".repeat(3_000) + ".com\"", "\"http://0x7f000001/\"", "\"http://2130706433/\"",
                    "\"http://127.1/\"", "\"http://a:99999/\"", "\"http://a:-1/\"", "\"http://\\u0000.com/\"",
                    "\"http://exa\\u0000mple.com/\"", "\"http://[1:2:3:4:5:6:7:8:9]/\"", "\"http://[zz::1]/\"",
                    "\"https://\u00e9xample.com/\"", "\"http://a%zz.com/\"", "\"\"", "\" \"");
            case "eventTypes" -> List.of("[\"fuzz.*\"]", "[]", "[\"*\"]", "[1]", "[null]", "[[]]", "\"fuzz.*\"",
                    "[\"a b\"]", "[\"**\"]", "[\"\\u0000\"]", "{}",
                    JsonTexts.array(Collections.nCopies(101, "\"fuzz.x\"")));
            case "description" -> List.of("\"d\"", "\"\\u0000\"", "\"" + "d".repeat(1_001) + "\"", "\"\\ud800\"",
                    "\"\u202e\u00e9\ud83d\ude00\"", "1", "{}");
            case "enabled", "dryRun", "requireKnownTypes" -> List.of("true", "false", "\"true\"", "1", "0", "null", "[]");
            case "headers" -> List.of("{\"X-Api-Key\":\"v\"}", "{}", "[]", "\"X-A: b\"",
                    "{\"CamelHttpUri\":\"http://elsewhere.example/\"}", "{\"Content-Type\":\"x\"}",
                    "{\"a b\":\"v\"}", "{\"x\":1}", "{\"x\":null}", "{\"x\":\"a\\nb\"}", "{\"x\":\"\\u0000\"}",
                    "{\"\\u0000\":\"v\"}", "{\"x\":\"\\ud800\"}", "{\"X-Y\":\"" + "v".repeat(4_097) + "\"}",
                    "{\"x\":\"{{relay.admin-token}}\"}", "{\"" + "h".repeat(101) + "\":\"v\"}",
                    "{\"X-A\":{\"value\":\"v\",\"sensitive\":true}}", "{\"X-A\":{\"value\":1}}",
                    "{\"X-A\":{\"sensitive\":\"yes\"}}", "{\"X-A\":{\"value\":\"v\",\"x\":{}}}",
                    "{\"X-Api-Key\":\"********\"}");
            case "filter" -> List.of("\"$.data.n > 1\"", "\"$.data.n >\"", "\"$.data.n\"", "\"\"", "\"\\u0000\"",
                    "\"$.** ? (@ like_regex \\\"(a+)+$\\\")\"", "\"" + "$.a".repeat(700) + "\"", "1", "{}", "null");
            case "transformation" -> List.of("\"data\"", "\"data.\"", "\"$f(\"", "\"\"", "\"\\u0000\"",
                    "\"($f := function($x){$f($x)}; $f(1))\"", "\"{\\\"$relay\\\":{\\\"path\\\":\\\"/../x\\\"}}\"", "1", "null");
            case "ordering" -> List.of("\"fifo\"", "\"none\"", "\"lifo\"", "\"FIFO\"", "\"\"", "1", "null", "[]");
            case "event" -> List.of("{\"type\":\"a.b\",\"payload\":{}}", "{\"type\":\"a b\",\"payload\":{}}",
                    "{\"type\":\"a.b\"}", "{\"payload\":{}}", "{\"type\":\"a.b\",\"payload\":{},\"x\":1}", "[]", "\"e\"", "null");
            case "auth" -> List.of("null", "{}", "[]", "\"basic\"", "{\"type\":\"basic\",\"username\":\"u\",\"password\":\"p\"}",
                    "{\"type\":\"basic\",\"username\":\"u:v\",\"password\":\"p\"}", "{\"type\":\"basic\"}",
                    "{\"type\":\"bearer\",\"token\":\"t\"}", "{\"type\":\"bearer\",\"token\":\"a\\u0000b\"}",
                    "{\"type\":\"bearer\",\"token\":\"********\"}", "{\"type\":1}", "{\"type\":\"\\ud800\"}",
                    "{\"type\":\"oauth2\",\"tokenUrl\":\"http://169.254.169.254/token\",\"clientId\":\"c\",\"clientSecret\":\"s\"}",
                    "{\"type\":\"oauth2\",\"tokenUrl\":\"https://example.com/token\",\"clientId\":\"c\",\"clientSecret\":\"s\",\"scope\":[]}",
                    "{\"type\":\"oauth2\",\"tokenUrl\":\"http://%00/\",\"clientId\":\"c\",\"clientSecret\":\"s\"}",
                    "{\"type\":\"mtls\",\"certificate\":\"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\",\"privateKey\":\"x\"}",
                    "{\"type\":\"mtls\",\"certificate\":\"x\",\"privateKey\":\"-----BEGIN PRIVATE KEY-----\\n!!\\n-----END PRIVATE KEY-----\"}",
                    "{\"type\":\"mtls\",\"certificate\":1,\"privateKey\":{}}",
                    "{\"type\":\"bearer\",\"token\":\"" + "t".repeat(4_097) + "\"}");
            case "rateLimit" -> List.of("1", "0", "-1", "10000", "10001", "1.5", "\"5\"", "1e20", "2147483648",
                    "-2147483649", "true", "1e999999", "1.0");
            case "retrySchedule" -> List.of("\"1s\"", "\"0s\"", "\"-1s\"", "\"9223372036854775807d\"",
                    "\"9223372036854775807ms\"", "\"99999999999999999999s\"", "\"PT1S\"", "\"P9999999999D\"",
                    "\"1s,\"", "\",\"", "\"\"", "\" \"", "\"abc\"", "\"1x\"", "5", "[\"1s\"]",
                    "\"" + String.join(",", Collections.nCopies(21, "1s")) + "\"", "\"\\u0000\"");
            case "overlap" -> List.of("\"0s\"", "0", "\"24h\"", "\"-1s\"", "\"31d\"", "\"9223372036854775807d\"",
                    "\"99999999999999999999s\"", "\"PT1S\"", "\"P9999999999D\"", "9223372036854775807", "-1", "1.5",
                    "\"soon\"", "\"\"", "true", "[]", "{}", "\"\\u0000\"");
            case "endpointId" -> List.of("\"" + Fixture.ENDPOINT_ID + "\"", "\"" + Fixture.FOREIGN_ENDPOINT_ID + "\"",
                    "\"00000000-0000-0000-0000-000000000000\"", "\"abc\"", "\"\\u0000\"", "1", "\"" + "a".repeat(65) + "\"");
            case "since", "until" -> List.of("\"2026-01-01T00:00:00Z\"", "\"+999999999-12-31T23:59:59Z\"",
                    "\"-999999999-01-01T00:00:00Z\"", "\"+294277-01-01T00:00:00Z\"", "\"-4714-11-23T00:00:00Z\"",
                    "\"9999-12-31T23:59:59Z\"", "\"2026-02-30T00:00:00Z\"", "\"2026-01-01T00:00:00\"",
                    "\"yesterday\"", "0", "\"\"");
            case "provider" -> List.of("\"stripe\"", "\"github\"", "\"standard-webhooks\"", "\"shopify\"", "\"hmac\"",
                    "\"Stripe\"", "\"paypal\"", "\"\"", "\"\\u0000\"", "1", "[\"stripe\"]");
            case "secret" -> List.of("\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"", "\"s\"", "\"\"", "\"whsec_!!\"",
                    "\"\\u0000\"", "\"a\\nb\"", "\"\u00e9\"", "\"" + "s".repeat(1_025) + "\"", "1", "{}");
            case "eventType" -> List.of("\"fuzz.source\"", "\"a b\"", "\"\"", "\"" + "x".repeat(129) + "\"", "1");
            case "hmac" -> List.of("{\"header\":\"X-Sig\"}", "{\"header\":\"X-Sig\",\"algorithm\":\"sha512\",\"encoding\":\"base64\","
                    + "\"prefix\":\"v=\",\"idHeader\":\"X-Id\"}", "{\"header\":\"a b\"}", "{\"algorithm\":\"md5\"}",
                    "{\"x\":1}", "{}", "[]", "\"X-Sig\"");
            case "schema" -> List.of("{\"type\":\"object\"}", "true", "false", "{}", "null", "[]", "\"object\"",
                    "{\"type\":\"nope\"}", "{\"$ref\":\"http://169.254.169.254/latest\"}", "{\"$ref\":\"file:///etc/passwd\"}",
                    "{\"$ref\":\"#/$defs/missing\"}", "{\"pattern\":\"(\"}", "{\"pattern\":\"^(.*?,){12}P\"}",
                    "{\"$schema\":\"http://json-schema.org/draft-07/schema#\"}", "{\"minimum\":\"ten\"}",
                    "{\"items\":".repeat(80) + "true" + "}".repeat(80),
                    "{\"description\":\"" + "d".repeat(70_000) + "\"}",
                    "{\"properties\":{\"\\u0000\":true}}", "{\"$id\":\"http://10.0.0.1/s\",\"$ref\":\"#\"}");
            default -> List.of("null");
        };
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(plausible)),
                Tuple.of(1, JsonTexts.values(2)));
    }
}
