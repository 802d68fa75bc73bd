/**
 * The console's insides: request handling, sessions and CSRF, pages, the chart, and what the
 * templates render. Not supported API: it may change in any release.
 */
package dev.pump.console.internal;
