/**
 * The code of {@code docs/guide.md}, compiled so it cannot drift: each region between a {@code //
 * docs:<name>} marker and {@code // docs:end} is quoted in the guide (DocsSnippetsTest compares
 * them). The classes show patterns; they are not run as an example.
 */
package dev.pump.examples.guide;
