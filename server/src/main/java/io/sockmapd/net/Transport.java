package io.sockmapd.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The Netty transport the listeners run on: native epoll on Linux when its library loads, else the
 * JDK's NIO (which since Java 16 also serves unix-domain sockets).
 */
public enum Transport {
  EPOLL {
    @Override
    IoHandlerFactory ioHandlerFactory() {
      return EpollIoHandler.newFactory();
    }

    @Override
    Class<? extends ServerChannel> inetChannel() {
      return EpollServerSocketChannel.class;
    }

    @Override
    Class<? extends ServerChannel> unixChannel() {
      return EpollServerDomainSocketChannel.class;
    }

    @Override
    SocketAddress unixAddress(Path path) {
      return new DomainSocketAddress(path.toString());
    }

    @Override
    ServerChannel adopt(int fd, boolean unix) {
      // The domain channel's one-argument constructor takes the socket for inactive (not yet
      // listening) and would never accept; the inet one asks the socket itself.
      return unix ? new EpollServerDomainSocketChannel(fd, true) : new EpollServerSocketChannel(fd);
    }
  },
  NIO {
    @Override
    IoHandlerFactory ioHandlerFactory() {
      return NioIoHandler.newFactory();
    }

    @Override
    Class<? extends ServerChannel> inetChannel() {
      return NioServerSocketChannel.class;
    }

    @Override
    Class<? extends ServerChannel> unixChannel() {
      return NioServerDomainSocketChannel.class;
    }

    @Override
    SocketAddress unixAddress(Path path) {
      return UnixDomainSocketAddress.of(path);
    }

    @Override
    @Nullable ServerChannel adopt(int fd, boolean unix) {
      return null; // NIO opens its own sockets only
    }
  };

  /** Epoll when available, else NIO. */
  public static Transport best() {
    return Epoll.isAvailable() ? EPOLL : NIO;
  }

  /** The transport whose channels can register with {@code group}; null when none of ours fits. */
  public static @Nullable Transport matching(EventLoopGroup group) {
    if (!(group instanceof IoEventLoopGroup ioGroup)) {
      return null;
    }
    if (Epoll.isAvailable() && ioGroup.isIoType(EpollIoHandler.class)) {
      return EPOLL;
    }
    return ioGroup.isIoType(NioIoHandler.class) ? NIO : null;
  }

  abstract IoHandlerFactory ioHandlerFactory();

  abstract Class<? extends ServerChannel> inetChannel();

  abstract Class<? extends ServerChannel> unixChannel();

  abstract SocketAddress unixAddress(Path path);

  /**
   * A channel on a listening socket this process inherited (socket activation), already bound and
   * listening; null when this transport cannot adopt one.
   */
  abstract @Nullable ServerChannel adopt(int fd, boolean unix);
}
