/** An example provider plugin: the factory the host discovers, and a provider that keeps pods in memory. *
 * <p>Depends on the provider API and the tracing facade ({@code provided}); nothing depends on it.
 */
package com.example.vk;
