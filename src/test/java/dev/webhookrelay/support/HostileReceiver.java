package dev.webhookrelay.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * A receiver on a raw socket that answers its first requests with a hostile response (what an
 * HTTP server library would never send) and every later one with a plain 200, so a test sees the
 * hostile attempt recorded and the retry delivered. Bytes written are counted: a relay that reads a
 * huge body to the end would show it there.
 */
public final class HostileReceiver implements AutoCloseable {

    public enum Behaviour {
        /** 503 with a 1 GiB body sent as fast as the socket takes it. */
        HUGE_BODY,
        /** 503 with Content-Encoding: gzip and 200 MB of zeros compressed to a few hundred KB. */
        GZIP_BOMB,
        /** 200 and headers at once, then one body byte every 300 ms, for ever. */
        TRICKLING_BODY,
        /** One byte of the status line and headers every 300 ms, for ever. */
        TRICKLING_HEADERS,
        /** 200 with 10,000 header lines. */
        TEN_THOUSAND_HEADERS,
        /** 503 with NUL and bytes that are not UTF-8 in a header value and in the body. */
        NUL_AND_INVALID_UTF8
    }

    private static final long ONE_GIB = 1L << 30;
    private static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
            .getBytes(StandardCharsets.US_ASCII);

    private final Behaviour behaviour;
    private final ServerSocket server;
    private final ExecutorService connections = Executors.newCachedThreadPool();
    private final AtomicInteger hostileLeft;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final byte[] gzipBomb;
    private volatile boolean closed;

    public HostileReceiver(Behaviour behaviour, int hostileAnswers) throws IOException {
        this(behaviour, hostileAnswers, 0);
    }

    private HostileReceiver(Behaviour behaviour, int hostileAnswers, int port) throws IOException {
        this.behaviour = behaviour;
        this.hostileLeft = new AtomicInteger(hostileAnswers);
        // Made before any request arrives: compressing it takes longer than the relay's test deadline.
        this.gzipBomb = behaviour == Behaviour.GZIP_BOMB ? gzippedZeros(200L * 1024 * 1024) : null;
        this.server = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"));
        connections.submit(this::accept);
    }

    /**
     * For bench/hostile.sh: one always-hostile receiver per behaviour on consecutive ports from
     * args[0], until the process is killed.
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        for (Behaviour behaviour : Behaviour.values()) {
            System.out.println(new HostileReceiver(behaviour, Integer.MAX_VALUE, port++).url() + " " + behaviour);
        }
        Thread.currentThread().join();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/hook";
    }

    public int requests() {
        return requests.get();
    }

    public long bytesWritten() {
        return bytesWritten.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                connections.submit(() -> answer(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void answer(Socket socket) {
        try (socket; OutputStream out = socket.getOutputStream()) {
            readRequest(socket.getInputStream());
            requests.incrementAndGet();
            if (hostileLeft.getAndDecrement() > 0) {
                hostile(out);
            } else {
                write(out, OK);
            }
        } catch (IOException | InterruptedException relayHungUp) {
            // The relay dropped the connection: what it should do with a hostile answer.
        }
    }

    private void hostile(OutputStream out) throws IOException, InterruptedException {
        switch (behaviour) {
            case HUGE_BODY -> {
                write(out, ("HTTP/1.1 503 Busy\r\nContent-Length: " + ONE_GIB + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = new byte[64 * 1024];
                Arrays.fill(chunk, (byte) 'a');
                for (long sent = 0; sent < ONE_GIB && !closed; sent += chunk.length) {
                    write(out, chunk);
                }
            }
            case GZIP_BOMB -> {
                write(out, ("HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Encoding: gzip\r\nContent-Type: text/plain\r\nContent-Length: "
                        + gzipBomb.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                write(out, gzipBomb);
            }
            case TRICKLING_BODY -> {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                trickle(out, "x".repeat(100_000).getBytes(StandardCharsets.US_ASCII));
            }
            case TRICKLING_HEADERS -> trickle(out, ("HTTP/1.1 200 OK\r\nX-Slow: " + "y".repeat(100_000))
                    .getBytes(StandardCharsets.US_ASCII));
            case TEN_THOUSAND_HEADERS -> {
                StringBuilder response = new StringBuilder("HTTP/1.1 200 OK\r\n");
                for (int i = 0; i < 10_000; i++) {
                    response.append("X-Header-").append(i).append(": value\r\n");
                }
                write(out, response.append("Connection: close\r\nContent-Length: 2\r\n\r\nok").toString().getBytes(StandardCharsets.US_ASCII));
            }
            case NUL_AND_INVALID_UTF8 -> {
                ByteArrayOutputStream response = new ByteArrayOutputStream();
                response.writeBytes("HTTP/1.1 503 Busy\r\nConnection: close\r\nX-Evil: a\0b".getBytes(StandardCharsets.ISO_8859_1));
                response.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3});
                response.writeBytes("\r\nContent-Length: 8\r\n\r\nok\0".getBytes(StandardCharsets.ISO_8859_1));
                response.writeBytes(new byte[] {(byte) 0xff, (byte) 0xc3, (byte) 0x28, 'e', 'n'});
                write(out, response.toByteArray());
            }
        }
    }

    private void trickle(OutputStream out, byte[] bytes) throws IOException, InterruptedException {
        for (int i = 0; i < bytes.length && !closed; i++) {
            write(out, new byte[] {bytes[i]});
            Thread.sleep(300);
        }
    }

    private void write(OutputStream out, byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        bytesWritten.addAndGet(bytes.length);
    }

    /** Reads the request head and its Content-Length body, so the relay's write completes before the answer. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("request ended early");
            }
            head.append((char) b);
        }
        String lower = head.toString().toLowerCase();
        int at = lower.indexOf("content-length:");
        if (at >= 0) {
            int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).trim());
            in.readNBytes(length);
        }
    }

    private static byte[] gzippedZeros(long size) throws IOException {
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed, 64 * 1024)) {
            byte[] zeros = new byte[1024 * 1024];
            for (long written = 0; written < size; written += zeros.length) {
                gzip.write(zeros);
            }
        }
        return compressed.toByteArray();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        connections.shutdownNow();
    }
}
