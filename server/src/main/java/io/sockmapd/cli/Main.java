package io.sockmapd.cli;

/** Entry point of the daemon. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("sockmapd");
  }
}
