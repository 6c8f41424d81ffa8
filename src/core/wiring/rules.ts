/**
 * The rules that judge the wiring between ports. Each catches one kind of broken wire; the
 * workspace graph (`graph.ts`) finds them, because both ends of a wire may sit in different
 * files. They are listed with the other rules so settings, suppression comments, SARIF and the
 * documentation treat them alike.
 */
import type { Rule } from '../rules/types';

function workspaceRule(id: string, defaultSeverity: Rule['defaultSeverity'], description: string): Rule {
  return {
    id,
    defaultSeverity,
    enabledByDefault: true,
    workspace: true,
    description,
    check() {
      // Found by the workspace graph: one file alone holds only one end of the wire.
    },
  };
}

export const serviceTargetPortUnmatched = workspaceRule(
  'service-target-port-unmatched',
  'error',
  'A Kubernetes Service forwards to a target port that no container of the pods it selects declares.',
);

export const backendPortUndefined = workspaceRule(
  'backend-port-undefined',
  'error',
  'An Ingress or Gateway API route sends traffic to a Service port that the Service does not define.',
);

export const probePortUndeclared = workspaceRule(
  'probe-port-undeclared',
  'error',
  'A liveness, readiness or startup probe checks a port that its container does not listen on.',
);

export const containerPortNotListening = workspaceRule(
  'container-port-not-listening',
  'error',
  'A Compose port mapping forwards to a container port that the service\'s image does not listen on.',
);

export const proxyPortNotListening = workspaceRule(
  'proxy-port-not-listening',
  'error',
  'An nginx proxy_pass or upstream server dials a Compose service on a port it does not listen on.',
);

export const dialPublishedPort = workspaceRule(
  'dial-published-port',
  'error',
  'A container dials another service on its published host port; inside the Compose network only the container port answers.',
);

export const environmentUrlPortNotListening = workspaceRule(
  'environment-url-port-not-listening',
  'error',
  'A URL in a service\'s environment dials another service of the project on a port it does not listen on.',
);

export const healthcheckPortNotListening = workspaceRule(
  'healthcheck-port-not-listening',
  'error',
  'A Compose healthcheck dials its own container on a port the service does not listen on, so the service never turns healthy.',
);

export const publishedPortBypassesFirewall = workspaceRule(
  'published-port-bypasses-firewall',
  'warning',
  'A Compose port is published on all interfaces of a host whose firewall blocks it; Docker\'s published ports skip ufw and firewalld input rules.',
);

export const WIRING_RULES: readonly Rule[] = [
  serviceTargetPortUnmatched,
  backendPortUndefined,
  probePortUndeclared,
  containerPortNotListening,
  proxyPortNotListening,
  dialPublishedPort,
  environmentUrlPortNotListening,
  healthcheckPortNotListening,
  publishedPortBypassesFirewall,
];
