import { createHash } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** Keeps received photos under `DATA_DIR/media`, named by content hash (a re-send is stored once). */
export type MediaStore = {
  /** Stores the bytes; returns the reference kept on records (`media:<sha256>.<ext>`). */
  put: (bytes: Uint8Array, extension: string) => Promise<string>
  pathOf: (ref: string) => string
}

export function createMediaStore(dataDir: string): MediaStore {
  const dir = join(dataDir, 'media')
  return {
    async put(bytes, extension) {
      const name = `${createHash('sha256').update(bytes).digest('hex')}.${extension}`
      await mkdir(dir, { recursive: true })
      await writeFile(join(dir, name), bytes)
      return `media:${name}`
    },
    pathOf: (ref) => join(dir, ref.replace(/^media:/, '').replace(/[^a-f0-9.a-z]/g, '')),
  }
}

/** Recognises a photo by its first bytes; `undefined` for anything that is not JPEG/PNG/WebP. */
export function photoExtension(bytes: Uint8Array): 'jpg' | 'png' | 'webp' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg'
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png'
  const riff = String.fromCharCode(...bytes.slice(0, 4))
  const webp = String.fromCharCode(...bytes.slice(8, 12))
  return riff === 'RIFF' && webp === 'WEBP' ? 'webp' : undefined
}
