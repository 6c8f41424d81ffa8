/**
 * IP address syntax as Node's `net.isIPv4`/`isIPv6` read it, without Node: the core also runs in
 * the web worker that vscode.dev and github.dev give extensions, where `node:net` does not exist.
 * The unit tests hold these to `node:net` over generated addresses.
 */

/** A dotted-quad IPv4 address: four decimal parts 0-255, without leading zeros. */
export function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every(isIPv4Part);
}

function isIPv4Part(part: string): boolean {
  if (part.length === 0 || part.length > 3 || (part.length > 1 && part[0] === '0')) {
    return false;
  }
  for (let index = 0; index < part.length; index++) {
    const code = part.charCodeAt(index);
    if (code < 48 || code > 57) {
      return false;
    }
  }
  return Number(part) <= 255;
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const ZONE_ID = /^[0-9a-zA-Z.:-]+$/;

/** Colon-separated groups, `""` being none; `undefined` when a group is empty or not 1-4 hex digits. */
function groupCount(text: string, mayEndInIPv4: boolean): number | undefined {
  if (text === '') {
    return 0;
  }
  const groups = text.split(':');
  let count = 0;
  for (let index = 0; index < groups.length; index++) {
    const group = groups[index];
    if (mayEndInIPv4 && index === groups.length - 1 && group.includes('.')) {
      if (!isIPv4(group)) {
        return undefined;
      }
      count += 2;
    } else if (HEX_GROUP.test(group)) {
      count++;
    } else {
      return undefined;
    }
  }
  return count;
}

/** An IPv6 address: eight groups, `::` for a run of zero groups once, an IPv4 tail, and a `%zone`. */
export function isIPv6(text: string): boolean {
  const percent = text.indexOf('%');
  const address = percent === -1 ? text : text.slice(0, percent);
  if (percent !== -1 && !ZONE_ID.test(text.slice(percent + 1))) {
    return false;
  }
  const gap = address.indexOf('::');
  if (gap === -1) {
    return groupCount(address, true) === 8;
  }
  if (address.indexOf('::', gap + 1) !== -1) {
    return false;
  }
  const before = groupCount(address.slice(0, gap), false);
  const after = groupCount(address.slice(gap + 2), true);
  return before !== undefined && after !== undefined && before + after <= 7;
}

/** 4 or 6 for an IPv4 or IPv6 address, 0 for anything else, as `net.isIP` answers. */
export function isIP(text: string): 0 | 4 | 6 {
  return isIPv4(text) ? 4 : isIPv6(text) ? 6 : 0;
}
