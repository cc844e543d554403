/** An example provider plugin: the factory the host discovers, and a provider that keeps pods in memory. */
package com.example.vk;
