package dev.webhookrelay.urlsafety;

import java.net.UnknownHostException;

/**
 * A delivery target that resolved only to refused addresses. An UnknownHostException, because that
 * is what HttpClient's DnsResolver contract allows; the delivery stage recognises this subtype and
 * dead-letters instead of retrying.
 */
public class BlockedAddressException extends UnknownHostException {

    public BlockedAddressException(String message) {
        super(message);
    }
}
