#!/usr/bin/env node
// A scriptable SMSC for selfcare's SMPP integration tests, built on the npm `smpp` package: a peer
// written by someone else, so the tests catch wire mistakes a fake of our own would share.
//
// Usage: node smsc.js [--port N]   (or SMSC_PORT; 0 = let the OS pick)
//   SMSC_SYSTEM_ID / SMSC_PASSWORD: the credentials bind_transceiver must present.
//
// stdout: first a line "READY <port>", then one JSON object per line:
//   {"event":"pdu", "command":..., "sequence":..., "status":..., "fields":{...}}  every PDU received
//   {"event":"bound"|"bind_refused"|"closed"|"dropped"|"deliver_resp"|"error"|"sent", ...}
// stdin: one JSON command per line:
//   {"op":"deliver", "source":..., "dest":..., "text":..., "data_coding":0, "service_type":"USSD",
//    "ussd_service_op":1, "its_session_info":10752, "user_message_reference":7, "esm_class":0,
//    "hex":"...", "command":"deliver_sm"|"data_sm", "id":"any tag echoed in deliver_resp"}
//   {"op":"drop"}                 close every connection abruptly
//   {"op":"throttle", "n":2}      answer the next n submit_sm with ESME_RTHROTTLED
//   {"op":"enquire_link"} / {"op":"unbind"}   requests from the SMSC side
//   {"op":"raw", "hex":"..."}     write octets as they are
//   {"op":"flood", "count":N, "window":100, "sources":["2547..", ...], "dest":"100", "text":"BAL",
//    "data_coding":0}
//       keep `window` deliver_sm outstanding (each waiting for the submit_sm to its source),
//       sources taken in turn, until `count` round trips; PDU reports are off meanwhile. Ends with
//       {"event":"flood_done", "count", "elapsed_ms", "p50_ms", "p99_ms", "max_ms", "rate_per_s"}
// End of stdin stops the SMSC.
'use strict';

const readline = require('readline');
const smpp = require('smpp');

function argPort() {
	const index = process.argv.indexOf('--port');
	if (index >= 0 && process.argv[index + 1] !== undefined) {
		return parseInt(process.argv[index + 1], 10);
	}
	return parseInt(process.env.SMSC_PORT || '0', 10);
}

const PORT = argPort();
const SYSTEM_ID = process.env.SMSC_SYSTEM_ID || 'selfcare';
const PASSWORD = process.env.SMSC_PASSWORD || 'secret';

// USSD TLVs. smpp 0.5 knows ussd_service_op (int8) and has its_session_info as a raw buffer;
// declare them here so the reports carry plain integers whatever the version has.
smpp.addTLV('ussd_service_op', { id: 0x0501, type: smpp.types.tlv.int8 });
smpp.addTLV('its_session_info', { id: 0x1383, type: smpp.types.tlv.int16 });
smpp.addTLV('its_reply_type', { id: 0x1380, type: smpp.types.tlv.int8 });

// Keep short_message / message_payload as raw octets on receipt: the report decodes them itself,
// by data_coding, so that what the test sees is what was on the wire.
smpp.filters.message.decode = function (value) {
	return value;
};

function emit(event) {
	process.stdout.write(JSON.stringify(event) + '\n');
}

function isUcs2(dataCoding) {
	return dataCoding === 0x08 || dataCoding === 0x48 || (dataCoding & 0xEC) === 0x08;
}

function decodeText(octets, dataCoding) {
	if (isUcs2(dataCoding)) {
		const even = Buffer.from(octets.subarray(0, octets.length - (octets.length % 2)));
		return even.swap16().toString('utf16le');
	}
	if (dataCoding === 0x03) {
		return octets.toString('latin1');
	}
	if (dataCoding === 0x04 || dataCoding === 0x02 || dataCoding === 0xF4) {
		return octets.toString('latin1');
	}
	return smpp.encodings.ASCII.decode(octets); // GSM 03.38, one septet per octet
}

function encodeText(text, dataCoding) {
	if (isUcs2(dataCoding)) {
		return smpp.encodings.UCS2.encode(text);
	}
	if (dataCoding === 0x03) {
		return smpp.encodings.LATIN1.encode(text);
	}
	return smpp.encodings.ASCII.encode(text);
}

function describe(pdu) {
	const fields = {};
	const skip = new Set(['command', 'command_length', 'command_id', 'command_status', 'sequence_number']);
	for (const key of Object.keys(pdu)) {
		if (skip.has(key)) {
			continue;
		}
		const value = pdu[key];
		const name = /^\d+$/.test(key) ? 'tlv_0x' + parseInt(key, 10).toString(16).padStart(4, '0') : key;
		fields[name] = Buffer.isBuffer(value) ? value.toString('hex') : value;
	}
	const report = {
		event: 'pdu',
		command: pdu.command,
		command_id: pdu.command_id,
		sequence: pdu.sequence_number,
		status: pdu.command_status,
		fields: fields,
	};
	const userData = Buffer.isBuffer(pdu.short_message) && pdu.short_message.length
		? pdu.short_message
		: pdu.message_payload;
	if (Buffer.isBuffer(userData)) {
		let body = userData;
		if ((pdu.esm_class || 0) & 0x40 && body.length > 0) {
			report.udh = body.subarray(0, body[0] + 1).toString('hex');
			body = body.subarray(body[0] + 1);
		}
		report.text = decodeText(body, pdu.data_coding || 0);
	}
	return report;
}

let throttleNext = 0;
let messageIds = 0;
const sessions = new Set();
let boundSession = null;

const server = smpp.createServer(function (session) {
	sessions.add(session);

	session.on('pdu', function (pdu) {
		if (flood === null) {
			emit(describe(pdu));
		}
	});

	session.on('bind_transceiver', function (pdu) {
		const ok = pdu.system_id === SYSTEM_ID && pdu.password === PASSWORD;
		if (!ok) {
			session.send(pdu.response({ command_status: smpp.ESME_RBINDFAIL }));
			emit({ event: 'bind_refused', system_id: pdu.system_id });
			session.close();
			return;
		}
		session.send(pdu.response({ system_id: 'NODESMSC' }));
		boundSession = session;
		emit({ event: 'bound', system_id: pdu.system_id, system_type: pdu.system_type });
	});

	session.on('submit_sm', function (pdu) {
		if (flood !== null) {
			floodReply(pdu.destination_addr);
		}
		if (throttleNext > 0) {
			throttleNext -= 1;
			session.send(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
			return;
		}
		messageIds += 1;
		session.send(pdu.response({ message_id: 'node-' + messageIds }));
	});

	session.on('enquire_link', function (pdu) {
		session.send(pdu.response());
	});

	session.on('unbind', function (pdu) {
		session.send(pdu.response());
		session.close();
	});

	session.on('unknown', function (pdu) {
		session.send(pdu.response()); // generic_nack, ESME_RINVCMDID
	});

	session.on('error', function (error) {
		emit({ event: 'error', message: String(error && error.message) });
	});

	session.on('close', function () {
		sessions.delete(session);
		if (boundSession === session) {
			boundSession = null;
		}
		emit({ event: 'closed' });
	});
});

function deliver(command) {
	if (!boundSession) {
		emit({ event: 'error', message: 'deliver: no bound ESME', id: command.id });
		return;
	}
	const dataCoding = command.data_coding === undefined ? 0 : command.data_coding;
	const octets = command.hex !== undefined
		? Buffer.from(command.hex, 'hex')
		: encodeText(command.text || '', dataCoding);
	const pduCommand = command.command || 'deliver_sm';
	const options = {
		service_type: command.service_type || '',
		source_addr: command.source || '',
		destination_addr: command.dest || '',
		esm_class: command.esm_class || 0,
		data_coding: dataCoding,
	};
	options[pduCommand === 'data_sm' ? 'message_payload' : 'short_message'] = octets;
	for (const tlv of ['ussd_service_op', 'its_session_info', 'its_reply_type', 'user_message_reference',
		'sar_msg_ref_num', 'sar_total_segments', 'sar_segment_seqnum']) {
		if (command[tlv] !== undefined && command[tlv] !== null) {
			options[tlv] = command[tlv];
		}
	}
	const pdu = new smpp.PDU(pduCommand, options);
	boundSession.send(pdu, function (response) {
		emit({
			event: 'deliver_resp',
			id: command.id,
			command: response.command,
			sequence: response.sequence_number,
			status: response.command_status,
		});
	});
	emit({ event: 'sent', command: pduCommand, id: command.id, sequence: pdu.sequence_number });
}

// -- flood: round trips deliver_sm -> submit_sm as fast as the window allows (bench/smpp.py) --

let flood = null;

function floodSend() {
	const source = flood.sources[flood.next % flood.sources.length];
	flood.next += 1;
	flood.sentAt.set(source, process.hrtime.bigint());
	const pdu = new smpp.PDU('deliver_sm', {
		source_addr: source,
		destination_addr: flood.dest,
		data_coding: flood.dataCoding,
		short_message: flood.octets,
	});
	boundSession.send(pdu);
}

function floodReply(destination) {
	const sentAt = flood.sentAt.get(destination);
	if (sentAt === undefined) {
		return; // not one of ours (or a second part of a long reply)
	}
	flood.sentAt.delete(destination);
	flood.latenciesNs.push(Number(process.hrtime.bigint() - sentAt));
	flood.done += 1;
	if (flood.done >= flood.count) {
		const elapsedNs = Number(process.hrtime.bigint() - flood.startedAt);
		const sorted = flood.latenciesNs.sort(function (a, b) { return a - b; });
		const at = function (q) { return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6; };
		const report = {
			event: 'flood_done', count: flood.done, elapsed_ms: elapsedNs / 1e6,
			p50_ms: at(0.5), p99_ms: at(0.99), max_ms: sorted[sorted.length - 1] / 1e6,
			rate_per_s: flood.done / (elapsedNs / 1e9),
		};
		flood = null;
		emit(report);
		return;
	}
	if (flood.next < flood.count) {
		floodSend();
	}
}

function startFlood(command) {
	if (!boundSession) {
		emit({ event: 'error', message: 'flood: no bound ESME' });
		return;
	}
	const dataCoding = command.data_coding || 0;
	const windowSize = command.window || 100;
	if (!Array.isArray(command.sources) || command.sources.length < windowSize) {
		emit({ event: 'error', message: 'flood: needs at least `window` sources' });
		return;
	}
	flood = {
		count: command.count || 1000,
		sources: command.sources,
		dest: command.dest || '',
		dataCoding: dataCoding,
		octets: encodeText(command.text || 'BAL', dataCoding),
		next: 0,
		done: 0,
		sentAt: new Map(),
		latenciesNs: [],
		startedAt: process.hrtime.bigint(),
	};
	for (let i = 0; i < Math.min(windowSize, flood.count); i++) {
		floodSend();
	}
}

function control(line) {
	let command;
	try {
		command = JSON.parse(line);
	} catch (error) {
		emit({ event: 'error', message: 'bad control line' });
		return;
	}
	switch (command.op) {
		case 'deliver':
			deliver(command);
			break;
		case 'drop': {
			const count = sessions.size;
			for (const session of sessions) {
				session.destroy();
			}
			emit({ event: 'dropped', count: count });
			break;
		}
		case 'throttle':
			throttleNext = command.n || 0;
			emit({ event: 'throttling', n: throttleNext });
			break;
		case 'enquire_link':
		case 'unbind':
			if (boundSession) {
				const op = command.op;
				boundSession[op](function (response) {
					emit({ event: op + '_resp', sequence: response.sequence_number, status: response.command_status });
				});
			}
			break;
		case 'flood':
			startFlood(command);
			break;
		case 'raw':
			if (boundSession) {
				boundSession.socket.write(Buffer.from(command.hex, 'hex'));
			}
			break;
		default:
			emit({ event: 'error', message: 'unknown op ' + command.op });
	}
}

server.on('error', function (error) {
	process.stderr.write('smsc: ' + error.message + '\n');
	process.exit(1);
});

server.listen(PORT, '127.0.0.1', function () {
	process.stdout.write('READY ' + server.address().port + '\n');
	const input = readline.createInterface({ input: process.stdin });
	input.on('line', control);
	input.on('close', function () {
		for (const session of sessions) {
			session.destroy();
		}
		server.close(function () {
			process.exit(0);
		});
	});
});
