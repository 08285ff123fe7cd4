// The SIPp scenarios of bench/message.bench.ts, written into the run folder
// (they are generated so that bench/sipp/ keeps only hand-written files):
//   message-auth.xml       the sender (UAC): MESSAGE -> 407 -> MESSAGE with credentials -> 200
//   message-receiver.xml   the receiver (UAC): REGISTER -> 401 -> REGISTER with credentials -> 200, then waits (-d ms)
//   message-ooc-200.xml    the receiver's out-of-call scenario (-oocsf): every MESSAGE answered 200
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MessageScenarios {
  readonly sender: string;
  readonly receiver: string;
  readonly ooc: string;
}

/**
 * Sender, one call = one relayed message (RFC 3428): the sender's injection
 * line gives field0 (the user) and field1 ([authentication ...]); -set
 * domain, to (the receiver's user part). RFC 3261 §22.3: the proxy challenges
 * with 407, the MESSAGE goes again with Proxy-Authorization and CSeq + 1; the
 * 200 is the receiver's, relayed back. A stale 407 for CSeq 1 (answer to a
 * retransmission) is skipped, as register-auth.xml does for 401.
 */
const SENDER = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="MESSAGE with digest authentication, relayed to a registered user">
  <Global variables="domain,to" />
  <send retrans="500">
    <![CDATA[

      MESSAGE sip:[$to]@[$domain] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      Max-Forwards: 70
      From: <sip:[field0]@[$domain]>;tag=[pid]SIPpMsg[call_number]
      To: <sip:[$to]@[$domain]>
      Call-ID: [call_id]
      CSeq: 1 MESSAGE
      Content-Type: text/plain;charset=UTF-8
      Content-Length: [len]

      bench message [call_number] from [field0]
    ]]>
  </send>
  <recv response="407" auth="true" optional="true" next="auth" />
  <recv response="200" rtd="true" next="done" />
  <label id="auth" />
  <send retrans="500">
    <![CDATA[

      MESSAGE sip:[$to]@[$domain] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      Max-Forwards: 70
      From: <sip:[field0]@[$domain]>;tag=[pid]SIPpMsg[call_number]
      To: <sip:[$to]@[$domain]>
      Call-ID: [call_id]
      CSeq: 2 MESSAGE
      [field1]
      Content-Type: text/plain;charset=UTF-8
      Content-Length: [len]

      bench message [call_number] from [field0]
    ]]>
  </send>
  <label id="wait200" />
  <recv response="407" optional="true" next="wait200" test="stale407">
    <action>
      <ereg regexp="^[[:space:]]*1[[:space:]]" search_in="hdr" header="CSeq:" check_it="false" assign_to="stale407" />
    </action>
  </recv>
  <recv response="200" rtd="true" timeout="10000" />
  <label id="done" />
</scenario>
`;

/**
 * Receiver: registers the injection line's user (field0, field1) with its
 * own address as Contact, then stays (the default pause, -d ms). The relayed
 * MESSAGEs carry the senders' Call-IDs, which SIPp cannot map to this call:
 * the out-of-call scenario answers them.
 */
const RECEIVER = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="MESSAGE receiver: REGISTER with digest authentication, then wait">
  <Global variables="domain" />
  <send retrans="500">
    <![CDATA[

      REGISTER sip:[$domain] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      Max-Forwards: 70
      From: <sip:[field0]@[$domain]>;tag=[pid]SIPpRcv[call_number]
      To: <sip:[field0]@[$domain]>
      Call-ID: [call_id]
      CSeq: 1 REGISTER
      Contact: <sip:[field0]@[local_ip]:[local_port];transport=[transport]>
      Expires: 3600
      Content-Length: 0

    ]]>
  </send>
  <recv response="401" auth="true" optional="true" next="auth" />
  <recv response="200" next="registered" />
  <label id="auth" />
  <send retrans="500">
    <![CDATA[

      REGISTER sip:[$domain] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      Max-Forwards: 70
      From: <sip:[field0]@[$domain]>;tag=[pid]SIPpRcv[call_number]
      To: <sip:[field0]@[$domain]>
      Call-ID: [call_id]
      CSeq: 2 REGISTER
      Contact: <sip:[field0]@[local_ip]:[local_port];transport=[transport]>
      Expires: 3600
      [field1]
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" />
  <label id="registered" />
  <pause />
</scenario>
`;

/** RFC 3428 §7: the 200 to a MESSAGE carries no body and no Contact. */
const OOC = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="answer every MESSAGE 200">
  <recv request="MESSAGE" />
  <send>
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpAns[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
</scenario>
`;

/** Writes the three scenarios into `dir`; returns their paths. */
export function writeMessageScenarios(dir: string): MessageScenarios {
  const paths = { sender: join(dir, 'message-auth.xml'), receiver: join(dir, 'message-receiver.xml'), ooc: join(dir, 'message-ooc-200.xml') };
  writeFileSync(paths.sender, SENDER);
  writeFileSync(paths.receiver, RECEIVER);
  writeFileSync(paths.ooc, OOC);
  return paths;
}
