package io.sockmapd.reload;

import io.sockmapd.net.ReloadControl;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Reloads on {@code SIGHUP}, which would otherwise make the JVM exit. Uses {@code sun.misc.Signal}
 * from the {@code jdk.unsupported} module, the JDK's only way to handle a signal; it is reached by
 * reflection because javac warns about every use of it, and that warning cannot be suppressed (the
 * build treats warnings as errors).
 */
public final class HangupSignal {
  private static final Logger LOG = LogManager.getLogger(HangupSignal.class);

  private @Nullable ReloadControl target;

  /** A SIGHUP came before {@link #reloadWith}: carried out once the daemon serves. */
  private boolean pending;

  private HangupSignal() {}

  /**
   * Catches SIGHUP from now on, before the daemon starts, so that a SIGHUP during the start does
   * not stop it: one that comes before {@link #reloadWith} is remembered and carried out then. The
   * daemon tells systemd READY=1 before {@code reloadWith} can be called, and systemd may send
   * SIGHUP at once and wait for RELOADING=1: dropping it would leave the reload hanging. When the
   * JVM does not let us handle the signal, says so in the log.
   */
  public static HangupSignal install() {
    HangupSignal hangup = new HangupSignal();
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Object handler =
          Proxy.newProxyInstance(
              HangupSignal.class.getClassLoader(),
              new Class<?>[] {handlerType},
              (proxy, method, args) -> hangup.handle(proxy, method, args));
      Object hup = signal.getConstructor(String.class).newInstance("HUP");
      Object previous = signal.getMethod("handle", signal, handlerType).invoke(null, hup, handler);
      if (previous != null && previous.equals(handlerType.getField("SIG_IGN").get(null))) {
        // The JVM installs no handler for a signal the process inherited as ignored (nohup).
        LOG.warn(
            "SIGHUP is ignored in this process (started under nohup?): reload with `sockmapd"
                + " reload`");
      }
    } catch (InvocationTargetException e) {
      // -Xrs, or a JVM that keeps the signal for itself: SIGHUP keeps its default meaning.
      LOG.warn("cannot handle SIGHUP, reload with `sockmapd reload`: {}", e.getCause().toString());
    } catch (ReflectiveOperationException | LinkageError e) {
      LOG.warn("cannot handle SIGHUP on this JVM, reload with `sockmapd reload`: {}", e.toString());
    }
    return hangup;
  }

  /** SIGHUP calls {@code control}'s reload from now on; the reload logs its own outcome. */
  public void reloadWith(ReloadControl control) {
    boolean reloadNow;
    synchronized (this) {
      target = control;
      reloadNow = pending;
      pending = false;
    }
    if (reloadNow) {
      LOG.info("reloading for the SIGHUP received while starting");
      control.reload(); // logs and notifies systemd of its own outcome
    }
  }

  /** The reload target, or null after remembering this SIGHUP for {@link #reloadWith}. */
  private synchronized @Nullable ReloadControl targetOrRemember() {
    if (target == null) {
      pending = true;
    }
    return target;
  }

  private @Nullable Object handle(Object proxy, Method method, Object[] args) {
    return switch (method.getName()) {
      case "handle" -> {
        ReloadControl control = targetOrRemember();
        if (control == null) {
          LOG.info("SIGHUP received while starting: reloading once started");
        } else {
          LOG.info("SIGHUP received");
          control.reload(); // logs and notifies systemd of its own outcome
        }
        yield null;
      }
      case "equals" -> proxy == args[0];
      case "hashCode" -> System.identityHashCode(proxy);
      case "toString" -> "reload on SIGHUP";
      default -> throw new UnsupportedOperationException(method.getName());
    };
  }
}
