// The systemd-notify package ships no types: its one function, as notify.js exports it.
declare module 'systemd-notify' { export default function notify(opts: { ready?: boolean; status?: string; pid?: number }): Promise<void>; }
