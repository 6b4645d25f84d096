package dev.webhookrelay.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.webhookrelay.support.RelayIntegrationTest.Response;

/**
 * An HTTP/1.1 client that writes the request exactly as given: raw bytes in the request target and
 * header values, bodies that are not text, chunked framing. Ordinary clients validate and encode
 * all of that away, which is what a hostile caller does not do.
 */
public final class RawHttp {

    private static final byte[] CRLF = {'\r', '\n'};

    /** One request as bytes on the wire; header values are bytes so they can hold anything. */
    public record Request(String method, byte[] target, List<Map.Entry<String, byte[]>> headers, byte[] body,
            boolean chunked) {

        public String describe() {
            StringBuilder text = new StringBuilder(method).append(' ').append(latin1(target));
            headers.forEach(h -> text.append("\n  ").append(h.getKey()).append(": ").append(latin1(h.getValue())));
            if (body != null) {
                String shown = latin1(body);
                text.append("\n  body (").append(body.length).append(" bytes").append(chunked ? ", chunked" : "")
                        .append("): ").append(shown.length() > 300 ? shown.substring(0, 300) + "..." : shown);
            }
            return text.toString();
        }
    }

    private RawHttp() {
    }

    public static Response send(int port, Request request) {
        return sendFrom("127.0.0.1", port, request);
    }

    /** From another loopback address (127.0.0.2...): a client the relay counts apart from the suite's. */
    public static Response sendFrom(String localAddress, int port, Request request) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(java.net.InetAddress.getByName(localAddress), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(bytes(request));
            out.flush();
            socket.shutdownOutput();
            return parse(socket.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("no answer to " + request.describe(), e);
        }
    }

    static byte[] bytes(Request request) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.write((request.method() + " ").getBytes(StandardCharsets.ISO_8859_1));
        wire.write(request.target());
        wire.write(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".getBytes(StandardCharsets.ISO_8859_1));
        for (Map.Entry<String, byte[]> header : request.headers()) {
            wire.write((header.getKey() + ": ").getBytes(StandardCharsets.ISO_8859_1));
            wire.write(header.getValue());
            wire.write(CRLF);
        }
        byte[] body = request.body();
        if (body != null && request.chunked()) {
            wire.write("Transfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            if (body.length > 0) {
                wire.write((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                wire.write(body);
                wire.write(CRLF);
            }
            wire.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        } else if (body != null) {
            wire.write(("Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            wire.write(body);
        } else {
            wire.write(CRLF);
        }
        return wire.toByteArray();
    }

    /** Parses the final answer (interim 1xx answers skipped), de-chunking its body. */
    static Response parse(byte[] raw) {
        int start = 0;
        while (true) {
            int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
            if (end < 0) {
                throw new IllegalStateException("incomplete answer: " + latin1(raw));
            }
            String[] lines = new String(raw, start, end - start, StandardCharsets.ISO_8859_1).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ", 3)[1]);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).trim());
            }
            int bodyStart = end + 4;
            if (status >= 100 && status < 200) {
                start = bodyStart;
                continue;
            }
            byte[] body = Arrays.copyOfRange(raw, bodyStart, raw.length);
            List<String> encoding = headers.get("transfer-encoding");
            if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
                body = dechunk(body);
            }
            return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
        }
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = indexOf(chunked, CRLF, at);
            String size = new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int length = Integer.parseInt(size, 16);
            if (length == 0) {
                break;
            }
            body.write(chunked, lineEnd + 2, length);
            at = lineEnd + 2 + length + 2;
        }
        return body.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
