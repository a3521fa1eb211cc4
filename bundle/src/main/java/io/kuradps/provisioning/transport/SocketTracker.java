package io.kuradps.provisioning.transport;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLSocketFactory;

/**
 * Remembers the sockets of one connection so they can be closed from outside. Paho cannot abort a connect in
 * progress (a TLS handshake blocks in a socket read that ignores interrupts); closing the socket ends it at once.
 */
final class SocketTracker extends DelegatingSocketFactory {

    private final List<Socket> sockets = new ArrayList<>();
    private boolean closed;

    SocketTracker(SSLSocketFactory delegate) {
        super(delegate);
    }

    @Override
    Socket configure(Socket socket) throws IOException {
        synchronized (sockets) {
            if (closed) {
                socket.close();
                throw new IOException("connection cancelled");
            }
            sockets.add(socket);
        }
        return socket;
    }

    /** Closes every socket created so far and refuses new ones. */
    void closeAll() {
        List<Socket> toClose;
        synchronized (sockets) {
            closed = true;
            toClose = new ArrayList<>(sockets);
            sockets.clear();
        }
        for (Socket socket : toClose) {
            try {
                socket.close();
            } catch (IOException e) {
                // already broken; nothing more to release
            }
        }
    }
}
