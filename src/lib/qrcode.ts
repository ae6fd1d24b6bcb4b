/**
 * The QR code library, loaded on first use: only a WhatsApp (Baileys) deployment that is pairing
 * draws QR codes, so the other starts do not pay for loading it.
 * @module
 */
export async function loadQrCode() {
  return (await import('qrcode')).default
}
