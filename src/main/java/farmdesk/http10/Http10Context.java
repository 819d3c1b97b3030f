package farmdesk.http10;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.http1.Http1Config;

/**
 * An HTTP/1.0 connection as Helidon's HTTP/1.1 connection sees it: the same socket, listener and router,
 * read through {@link RequestAsHttp11} and written through {@link ResponseAsHttp10}.
 */
final class Http10Context implements ConnectionContext {

    private final ConnectionContext socket;
    private final DataReader reader;
    private final DataWriter writer;

    Http10Context(ConnectionContext socket, Http1Config config) {
        this.socket = socket;
        int maxHead = config.maxPrologueLength() + config.maxHeadersSize();
        this.reader = DataReader.create(new RequestAsHttp11(socket.dataReader(), maxHead, hostOf(socket.localPeer())));
        this.writer = new ResponseAsHttp10(socket.dataWriter());
    }

    /** The Host an HTTP/1.0 request without one is given: this end of the connection ("127.0.0.1:8080"). */
    private static String hostOf(PeerInfo local) {
        if (local.address() instanceof InetSocketAddress address && address.getAddress() != null) {
            InetAddress ip = address.getAddress();
            String host = ip.getHostAddress();
            int scope = host.indexOf('%'); // an IPv6 zone is not valid in a Host header
            if (scope >= 0) {
                host = host.substring(0, scope);
            }
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
        }
        return "localhost:" + local.port();
    }

    @Override
    public DataReader dataReader() {
        return reader;
    }

    @Override
    public DataWriter dataWriter() {
        return writer;
    }

    @Override
    public ListenerContext listenerContext() {
        return socket.listenerContext();
    }

    @Override
    public ExecutorService executor() {
        return socket.executor();
    }

    @Override
    public Router router() {
        return socket.router();
    }

    @Override
    public Optional<ProxyProtocolData> proxyProtocolData() {
        return socket.proxyProtocolData();
    }

    @Override
    public HelidonSocket serverSocket() {
        return socket.serverSocket();
    }

    @Override
    public PeerInfo remotePeer() {
        return socket.remotePeer();
    }

    @Override
    public PeerInfo localPeer() {
        return socket.localPeer();
    }

    @Override
    public boolean isSecure() {
        return socket.isSecure();
    }

    @Override
    public String socketId() {
        return socket.socketId();
    }

    @Override
    public String childSocketId() {
        return socket.childSocketId();
    }
}
