/** Netty codecs for netstrings and the socketmap protocol. */
package io.sockmapd.codec;
