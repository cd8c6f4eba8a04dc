import { Rng, hashSeed } from './rng';
import type {
  FakeChapter,
  FakeItemDetails,
  FakeMarker,
  FakePart,
  FakePlayable,
  FakeStream,
  FakeMedia,
} from './types';
import { LANGUAGES } from './words';

/**
 * Streams, chapters and markers are detail-only data, so they are derived from the item on first request
 * instead of at generation time (keeps generating a 23K-item library fast). Same seed + item -> same details.
 */
export function deriveDetails(seed: number, item: FakePlayable): FakeItemDetails {
  const rng = new Rng(hashSeed(seed, 'details', item.ratingKey));
  const streams = new Map<number, FakeStream[]>();
  for (const media of item.media)
    for (const part of media.parts) streams.set(part.id, partStreams(rng, media, part));
  const firstMedia = item.media[0];
  const chapters =
    firstMedia && rng.chance(item.type === 'movie' ? 0.6 : 0.3) ? makeChapters(rng, firstMedia) : [];
  const markers = makeMarkers(rng, item.type, item.duration, Number(item.ratingKey));
  return { streams, chapters, markers };
}

function partStreams(rng: Rng, media: FakeMedia, part: FakePart): FakeStream[] {
  // Stream ids are derived from the part id so they are unique and stable without a global counter.
  let next = part.id * 16;
  const out: FakeStream[] = [];
  let index = 0;
  out.push({
    id: next++,
    streamType: 1,
    codec: media.videoCodec,
    index: index++,
    bitrate: media.bitrate - 300,
    width: media.width,
    height: media.height,
    frameRate: media.videoFrameRate === 'PAL' ? 25 : 23.976,
    bitDepth: media.videoCodec === 'hevc' ? 10 : 8,
    profile: media.videoCodec === 'hevc' ? 'main 10' : 'high',
    displayTitle: `${media.videoResolution === '4k' ? '4K' : `${media.videoResolution}p`} (${media.videoCodec.toUpperCase()})`,
    extendedDisplayTitle: `${media.videoResolution} (${media.videoCodec.toUpperCase()})`,
    default: true,
  });
  const audioLanguages = rng.chance(0.4)
    ? [LANGUAGES[0]!, rng.pick(LANGUAGES.slice(1))]
    : [rng.pick(LANGUAGES)];
  audioLanguages.forEach((lang, i) => {
    const layout = media.audioChannels === 2 ? 'stereo' : media.audioChannels === 6 ? '5.1(side)' : '7.1';
    const label = `${lang.language} (${media.audioCodec.toUpperCase()} ${media.audioChannels === 2 ? 'Stereo' : layout})`;
    out.push({
      id: next++,
      streamType: 2,
      codec: media.audioCodec,
      index: index++,
      language: lang.language,
      languageCode: lang.code,
      languageTag: lang.tag,
      channels: media.audioChannels,
      audioChannelLayout: layout,
      samplingRate: 48000,
      bitrate: media.audioChannels * 128,
      displayTitle: label,
      extendedDisplayTitle: label,
      ...(i === 0 ? { default: true, selected: true } : {}),
    });
  });
  const embedded = rng.int(0, 2);
  for (let i = 0; i < embedded; i++) {
    const lang = rng.pick(LANGUAGES);
    const forced = rng.chance(0.15);
    const codec = rng.pick(['srt', 'pgs', 'ass']);
    out.push({
      id: next++,
      streamType: 3,
      codec,
      index: index++,
      language: lang.language,
      languageCode: lang.code,
      languageTag: lang.tag,
      ...(forced ? { forced: true, title: 'Forced' } : {}),
      displayTitle: `${lang.language}${forced ? ' Forced' : ''} (${codec.toUpperCase()})`,
      extendedDisplayTitle: `${lang.language}${forced ? ' (Forced)' : ''} (${codec.toUpperCase()})`,
    });
  }
  if (rng.chance(0.3)) {
    const lang = rng.pick(LANGUAGES);
    const id = next++;
    const sdh = rng.chance(0.3);
    out.push({
      id,
      streamType: 3,
      codec: 'srt',
      key: `/library/streams/${id}`,
      format: 'srt',
      language: lang.language,
      languageCode: lang.code,
      languageTag: lang.tag,
      ...(sdh ? { hearingImpaired: true, title: 'SDH' } : {}),
      displayTitle: `${lang.language}${sdh ? ' SDH' : ''} (SRT External)`,
      extendedDisplayTitle: `${lang.language}${sdh ? ' (SDH)' : ''} (SRT External)`,
    });
  }
  return out;
}

function makeChapters(rng: Rng, media: FakeMedia): FakeChapter[] {
  const count = rng.int(3, 12);
  const named = rng.chance(0.6);
  const step = Math.floor(media.duration / count);
  const chapters: FakeChapter[] = [];
  for (let i = 0; i < count; i++) {
    const chapter: FakeChapter = {
      // Real Plex has been seen to give every chapter of an item the same id; use `index` as the key.
      id: media.id * 100,
      index: i + 1,
      startTimeOffset: i * step,
      endTimeOffset: i === count - 1 ? media.duration : (i + 1) * step,
      thumb: `/library/media/${media.id}/chapterImages/${i + 1}`,
    };
    if (named) chapter.tag = `Chapter ${i + 1}`;
    chapters.push(chapter);
  }
  return chapters;
}

/**
 * `includeMarkers=1` markers (plex-api-notes §4.5: `Marker[]` with type, startTimeOffset, endTimeOffset in ms):
 * intros on episodes, credits on both, commercials on some episodes (DVR recordings).
 */
function makeMarkers(rng: Rng, type: FakePlayable['type'], duration: number, idBase: number): FakeMarker[] {
  const markers: FakeMarker[] = [];
  if (type === 'movie') {
    if (rng.chance(0.5))
      markers.push({
        id: idBase * 4,
        type: 'credits',
        startTimeOffset: duration - rng.int(120, 600) * 1000,
        endTimeOffset: duration,
        final: true,
      });
    return markers;
  }
  if (rng.chance(0.6)) {
    const start = rng.int(0, 120) * 1000;
    markers.push({
      id: idBase * 2,
      type: 'intro',
      startTimeOffset: start,
      endTimeOffset: start + rng.int(20, 90) * 1000,
    });
  }
  if (rng.chance(0.6)) {
    markers.push({
      id: idBase * 2 + 1,
      type: 'credits',
      startTimeOffset: duration - rng.int(30, 180) * 1000,
      endTimeOffset: duration,
      final: true,
    });
  }
  if (rng.chance(0.2)) {
    const start = Math.floor(duration / 2) - rng.int(0, 60) * 1000;
    markers.push({
      id: idBase * 2 + 1_000_000_000,
      type: 'commercial',
      startTimeOffset: start,
      endTimeOffset: start + rng.int(60, 240) * 1000,
    });
  }
  return markers;
}
