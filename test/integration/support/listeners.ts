/**
 * The TCP sockets a process listens on, with their local address: from /proc on Linux (the
 * socket inodes of the process' file descriptors, looked up in /proc/net/tcp and tcp6), else from
 * `lsof`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface Listener {
  readonly pid: number;
  readonly address: string;
  readonly port: number;
}

/** `0100007F` -> 127.0.0.1; the 32-bit words of an IPv6 address are each little-endian. */
function addressOf(hex: string): string {
  if (hex.length === 8) return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
  const bytes: number[] = [];
  for (let word = 0; word < 4; word++) {
    const w = hex.slice(word * 8, word * 8 + 8);
    for (const i of [3, 2, 1, 0]) bytes.push(parseInt(w.slice(i * 2, i * 2 + 2), 16));
  }
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  const text = groups.join(':');
  if (text === '0:0:0:0:0:0:0:0') return '::';
  if (text === '0:0:0:0:0:0:0:1') return '::1';
  return text;
}

function fromProc(pids: readonly number[]): Listener[] {
  const inodes = new Map<string, number>();
  for (const pid of pids) {
    const fdDir = `/proc/${pid}/fd`;
    for (const fd of readdirSync(fdDir)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`${fdDir}/${fd}`));
        if (match?.[1]) inodes.set(match[1], pid);
      } catch {
        // closed while we looked
      }
    }
  }
  const listeners: Listener[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '0A') continue; // 0A: LISTEN
      const pid = inodes.get(fields[9]!);
      if (pid === undefined) continue;
      const [hexAddress = '', hexPort = ''] = fields[1]!.split(':');
      listeners.push({ pid, address: addressOf(hexAddress), port: parseInt(hexPort, 16) });
    }
  }
  return listeners;
}

function fromLsof(pids: readonly number[]): Listener[] {
  const output = execFileSync('lsof', ['-nP', '-a', '-iTCP', '-sTCP:LISTEN', '-p', pids.join(','), '-F', 'pn'], { encoding: 'utf8' });
  const listeners: Listener[] = [];
  let pid = 0;
  for (const line of output.split('\n')) {
    if (line.startsWith('p')) pid = Number(line.slice(1));
    if (line.startsWith('n')) {
      const name = line.slice(1);
      const at = name.lastIndexOf(':');
      const address = name.slice(0, at).replace(/^\[|\]$/g, '').replace(/^\*$/, '0.0.0.0');
      listeners.push({ pid, address, port: Number(name.slice(at + 1)) });
    }
  }
  return listeners;
}

/** Every TCP socket in LISTEN state that one of `pids` holds. */
export function listenersOf(pids: readonly number[]): Listener[] {
  return existsSync('/proc/net/tcp') ? fromProc(pids) : fromLsof(pids);
}

export function isLoopbackAddress(address: string): boolean {
  return address === '::1' || address.startsWith('127.');
}
