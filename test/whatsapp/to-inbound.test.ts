/**
 * Every inbound kind, built with Baileys' own `proto` as its decoder emits it, mapped to the
 * channel-neutral content; and what is ignored (own messages, status, newsletters, groups).
 */
import { proto } from '@whiskeysockets/baileys'
import { describe, expect, test } from 'vitest'
import { addressOf, toInbound, vcardPhone } from '../../src/channels/whatsapp/to-inbound.js'
import { vcard, waMessage, waText } from '../harness/whatsapp.js'

const SITI = { phone: '+6281234567890', lid: '123456789012345' }
const ADDRESS = {
  lid: '123456789012345@lid',
  pnJid: '6281234567890@s.whatsapp.net',
  phone: '+6281234567890',
}

const contentOf = (message: proto.IMessage) => {
  const result = toInbound(waMessage(SITI, message))
  return result.kind === 'message' ? result.content : result
}

describe('toInbound', () => {
  test('text from conversation and extendedTextMessage, with LID and phone', () => {
    expect(toInbound(waText(SITI, 'lapor', { id: 'K1' }))).toEqual({
      kind: 'message',
      externalId: 'K1',
      sender: ADDRESS,
      content: { type: 'text', text: 'lapor' },
    })
    expect(contentOf({ extendedTextMessage: { text: '1.' } })).toEqual({ type: 'text', text: '1.' })
  })

  test('a contact addressed by phone only (no LID yet) keeps the phone', () => {
    const result = toInbound(waText(SITI, 'halo', { pnOnly: true }))
    expect(result).toMatchObject({
      kind: 'message',
      sender: { pnJid: ADDRESS.pnJid, phone: ADDRESS.phone },
    })
    expect(result.kind === 'message' && result.sender.lid).toBeFalsy()
  })

  test('a device suffix on the JID is dropped', () => {
    expect(addressOf('6281234567890:12@s.whatsapp.net')).toEqual({
      pnJid: ADDRESS.pnJid,
      phone: ADDRESS.phone,
    })
  })

  test('location, live location', () => {
    expect(
      contentOf({ locationMessage: { degreesLatitude: -7.98, degreesLongitude: 112.63 } })
    ).toEqual({ type: 'location', lat: -7.98, lng: 112.63 })
    expect(
      contentOf({ liveLocationMessage: { degreesLatitude: -8.1, degreesLongitude: 112.5 } })
    ).toEqual({ type: 'location', lat: -8.1, lng: 112.5 })
  })

  test('an image is handed back for download', () => {
    const result = toInbound(
      waMessage(SITI, { imageMessage: { mimetype: 'image/jpeg' } }, { id: 'IMG' })
    )
    expect(result).toEqual({ kind: 'image', externalId: 'IMG', sender: ADDRESS })
  })

  test('contact cards: the vCard phone, and whether it is the sender', () => {
    expect(
      contentOf({ contactMessage: { displayName: 'Siti', vcard: vcard('Siti', SITI.phone) } })
    ).toEqual({ type: 'contact', phone: '+6281234567890', isSender: true })
    expect(
      contentOf({
        contactsArrayMessage: {
          contacts: [{ displayName: 'Ani', vcard: vcard('Ani', '+6285712345678') }],
        },
      })
    ).toEqual({ type: 'contact', phone: '+6285712345678', isSender: false })
    expect(contentOf({ contactMessage: { vcard: 'BEGIN:VCARD\nFN:X\nEND:VCARD' } })).toEqual({
      type: 'unsupported',
      kind: 'contact',
    })
    expect(vcardPhone('BEGIN:VCARD\nTEL;TYPE=CELL:0812-3456-7890\nEND:VCARD')).toBe(
      '+6281234567890'
    )
  })

  test('voice notes, stickers, videos, documents, reactions, edits, deletions are unsupported', () => {
    const kinds: [proto.IMessage, string][] = [
      [{ audioMessage: { ptt: true, seconds: 3 } }, 'voice'],
      [{ stickerMessage: { mimetype: 'image/webp' } }, 'sticker'],
      [{ videoMessage: { seconds: 5 } }, 'video'],
      [{ ptvMessage: { seconds: 5 } }, 'video'],
      [{ documentMessage: { fileName: 'a.pdf' } }, 'document'],
      [
        {
          documentWithCaptionMessage: {
            message: { documentMessage: { fileName: 'b.pdf', caption: 'ini' } },
          },
        },
        'document',
      ],
      [{ reactionMessage: { key: { id: 'X' }, text: '👍' } }, 'reaction'],
      [
        {
          protocolMessage: {
            type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT,
            key: { id: 'X' },
            editedMessage: { conversation: '2' },
          },
        },
        'edited',
      ],
      [
        { protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE, key: { id: 'X' } } },
        'deleted',
      ],
      [{ pollCreationMessage: { name: 'poll' } }, 'other'],
    ]
    for (const [message, kind] of kinds) {
      expect(contentOf(message), kind).toEqual({ type: 'unsupported', kind })
    }
  })

  test('view-once and ephemeral wrappers are unwrapped', () => {
    expect(
      contentOf({ ephemeralMessage: { message: { extendedTextMessage: { text: 'ya' } } } })
    ).toEqual({ type: 'text', text: 'ya' })
    expect(
      toInbound(waMessage(SITI, { viewOnceMessageV2: { message: { imageMessage: {} } } }))
    ).toMatchObject({ kind: 'image' })
  })

  test('ignored: own messages, status, newsletters, broadcasts, groups, protocol noise', () => {
    const ignored = (message: ReturnType<typeof waText>) => toInbound(message)
    expect(ignored(waText(SITI, 'x', { fromMe: true }))).toEqual({
      kind: 'ignored',
      reason: 'from_me',
    })
    expect(
      ignored(waText(SITI, 'x', { remoteJid: 'status@broadcast', participant: ADDRESS.pnJid }))
    ).toEqual({ kind: 'ignored', reason: 'status' })
    expect(ignored(waText(SITI, 'x', { remoteJid: '1203630@newsletter' }))).toEqual({
      kind: 'ignored',
      reason: 'newsletter',
    })
    expect(ignored(waText(SITI, 'x', { remoteJid: '1234@broadcast' }))).toEqual({
      kind: 'ignored',
      reason: 'broadcast',
    })
    const group = waText(SITI, 'x', {
      remoteJid: '120363000000000000@g.us',
      participant: ADDRESS.lid,
    })
    expect(ignored(group)).toEqual({ kind: 'ignored', reason: 'group' })
    expect(toInbound(group, { groups: true })).toMatchObject({
      kind: 'message',
      sender: { lid: ADDRESS.lid },
    })
    expect(
      contentOf({
        protocolMessage: {
          type: proto.Message.ProtocolMessage.Type.EPHEMERAL_SETTING,
          ephemeralExpiration: 0,
        },
      })
    ).toEqual({ kind: 'ignored', reason: 'protocol' })
    expect(contentOf({ senderKeyDistributionMessage: { groupId: 'g' } })).toEqual({
      kind: 'ignored',
      reason: 'no_content',
    })
  })
})
