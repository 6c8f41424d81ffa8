/** Every format with a real tool to compare against, in the order they run. */
import type { ConformanceFormat } from './harness';
import { firewalldSpec } from './firewalld';
import { iptablesSpec } from './iptables';
import { nftablesSpec } from './nftables';
import { nginxSpec } from './nginx';
import { ufwSpec } from './ufw';

export const CONFORMANCE_FORMATS: readonly ConformanceFormat[] = [nftablesSpec, iptablesSpec, ufwSpec, firewalldSpec, nginxSpec].filter(
  (spec): spec is ConformanceFormat => spec !== undefined,
);
