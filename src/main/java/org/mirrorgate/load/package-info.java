/**
 * Capacity-aware balancing: the load the service's own redirects put on each mirror, learned from
 * recent decisions of all replicas (through the store), and the share of its requests a mirror
 * with a declared bandwidth ({@code max-mbps}) keeps so that its load stays near that bandwidth.
 * The ranking reads the result ({@link org.mirrorgate.load.Admission}) as an immutable value; the
 * request path only adds bytes to in-memory counters ({@link org.mirrorgate.load.LoadMeter}).
 */
package org.mirrorgate.load;
