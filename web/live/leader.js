import { isVisible } from '../dom.js';

export function tabLeadership(live, name) {
  const channel = window.BroadcastChannel && navigator.locks && new BroadcastChannel(name);
  let heardAt, waiting;
  const post = message => channel && channel.postMessage(message);
  const tellState = () => live.state && post({ kind: 'state', state: live.state });

  function queue(steal) {
    if (waiting) waiting.abort();
    const wait = waiting = steal ? null : new AbortController();
    heardAt = Date.now();
    navigator.locks.request(name, steal ? { steal } : { signal: wait.signal }, () => {
      waiting = null;
      live.lead();
      return new Promise(() => {}); // held for the life of the tab, unless stolen
    }).catch(() => {
      if (wait && wait.signal.aborted) return; // stopped waiting, to steal
      live.follow();
      queue();
    });
  }

  if (channel) channel.onmessage = ({ data: message }) => {
    if (live.isLeader) {
      if (message.kind === 'hello') tellState();
      else if (message.kind === 'sent') live.expect(message.messageId);
      return;
    }
    heardAt = Date.now();
    if (message.kind === 'event') live.apply(message.type, message.data, message.id);
    else if (message.kind === 'state') live.setState(message.state);
  };

  function start() {
    if (!channel) return live.lead();
    queue();
    post({ kind: 'hello' });
    setInterval(() => {
      if (live.isLeader) tellState();
      else if (Date.now() - heardAt > 10000 && isVisible()) queue(true); // a frozen (background) leader
    }, 3000);
  }

  return { start, post, tellState };
}
