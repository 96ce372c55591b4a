/** Open "why" answers. Every phrase contains a keyword of its own theme in
 * seeds/reference/theme_lexicon.csv and no keyword of another theme (tests check this by
 * substring), so theme coding of generated verbatims is unambiguous. */

export const THEMES = ["service", "speed", "price", "communication", "digital", "trust"] as const;
export type Sentiment = "negative" | "mixed" | "positive";
export const SENTIMENTS: readonly Sentiment[] = ["negative", "mixed", "positive"];

type Pool = Record<"nl" | "en", Record<Sentiment, readonly string[]>>;

export const PHRASES: Record<(typeof THEMES)[number], Pool> = {
  service: {
    nl: {
      negative: ["De medewerker had geen idee waar ik het over had.", "Slechte service, ik werd van het kastje naar de muur gestuurd.", "Onvriendelijke medewerker, ik voelde me niet geholpen."],
      mixed: ["Medewerker was vriendelijk maar kon mij niet echt verder helpen.", "Redelijke service, niets bijzonders."],
      positive: ['De medewerker was "super" behulpzaam.', "Top service, de medewerker dacht echt met me mee.", "Zeer behulpzaam en vriendelijk geholpen!"],
    },
    en: {
      negative: ["The staff member had no idea what I was talking about.", "Poor service, I was sent from pillar to post."],
      mixed: ["Friendly staff, but they could not really solve my problem.", "Decent service, nothing special."],
      positive: ["Very helpful and friendly, thank you!", "Great service; the staff really thought along with me."],
    },
  },
  speed: {
    nl: {
      negative: ["Veel te lang moeten wachten voordat ik iemand sprak.", "De wachttijd was meer dan een half uur.", "Alles gaat traag, ik moest weken wachten op een reactie."],
      mixed: ["Uiteindelijk opgelost, maar de wachttijd mag korter.", "Niet heel snel, wel netjes afgehandeld."],
      positive: ["Snel en goed geholpen.", "Binnen een dag geregeld, wat snel!"],
    },
    en: {
      negative: ["I had to wait far too long before anyone picked up.", "Very slow handling, it took weeks."],
      mixed: ["Solved in the end, but the wait could be shorter.", "Not particularly fast, but handled properly."],
      positive: ["Quick and easy, sorted in one go.", "Fast response, everything arranged within a day."],
    },
  },
  price: {
    nl: {
      negative: ["Mijn premie ging €40 per maand omhoog, veel te duur.", "Te duur vergeleken met andere aanbieders.", "De rente is hoger dan bij de concurrent."],
      mixed: ["Goede dekking, maar de premie mag wel wat lager.", "Prijs is acceptabel, niet meer dan dat."],
      positive: ["Scherpe prijs voor een goede verzekering.", "Gunstige rente en geen verborgen kosten."],
    },
    en: {
      negative: ["The premium went up again this year, far too expensive.", "Too expensive compared to other providers."],
      mixed: ["Good cover, but the premium could be a bit lower.", "The price is acceptable, nothing more."],
      positive: ["Fair price for good insurance.", "Competitive interest rate and no hidden costs."],
    },
  },
  communication: {
    nl: {
      negative: ["Onduidelijke informatie over de voorwaarden.", "Geen uitleg gekregen over het vervolg.", "De communicatie was slecht; niemand wist van mijn dossier."],
      mixed: ["De informatie was correct, maar kon duidelijker.", "Uitleg was wat technisch, maar uiteindelijk begreep ik het."],
      positive: ["Duidelijke uitleg over de hypotheek en de voorwaarden.", "Heldere communicatie, ik wist steeds waar ik aan toe was."],
    },
    en: {
      negative: ["Unclear information about the terms and conditions.", "Nobody could explain the next steps."],
      mixed: ["The information was correct, but could be clearer.", "They did explain it, but in rather technical terms."],
      positive: ["Clear and complete information about my mortgage.", "Good communication, I always knew where I stood."],
    },
  },
  digital: {
    nl: {
      negative: ["Inloggen in de app lukt vaak niet.", "De website is onoverzichtelijk en crasht regelmatig.", "Online iets wijzigen is onmogelijk, ik moest toch bellen."],
      mixed: ["De app werkt prima, maar ik mis een paar functies.", "Website is oké, maar zoeken is lastig."],
      positive: ["Fijne app, alles in een paar tikken geregeld.", "Online regelen gaat heel makkelijk."],
    },
    en: {
      negative: ["The login keeps failing in the app.", "The website is confusing and crashes regularly."],
      mixed: ["The app works fine, but I miss a few features.", "The website is okay, but searching is tricky."],
      positive: ["Great app, everything arranged in a few taps.", "Arranging things online is really easy."],
    },
  },
  trust: {
    nl: {
      negative: ["Afspraak niet nagekomen, ik heb er weinig vertrouwen in.", "Voelt niet betrouwbaar meer na alle veranderingen."],
      mixed: ["Betrouwbaar, maar soms wat afstandelijk.", "Ik heb vertrouwen in het bedrijf, al kan het persoonlijker."],
      positive: ["Een betrouwbaar bedrijf, al jaren klant.", "Ik heb volledig vertrouwen in mijn adviseur."],
    },
    en: {
      negative: ["They did not keep their promise, I have lost trust.", "Does not feel reliable anymore after all the changes."],
      mixed: ["Reliable, but sometimes a bit distant.", "I trust the company, although it could be more personal."],
      positive: ["A reliable company, customer for years.", "I fully trust my adviser."],
    },
  },
};

export interface PhraseEntry {
  theme: (typeof THEMES)[number];
  language: "nl" | "en";
  sentiment: Sentiment;
  text: string;
}

/** All phrases flattened; the generator refers to them by index. `offsets[theme][lang][sentiment]`
 * gives [first index, count] so a pick is one multiply. */
export interface PhraseBook {
  entries: readonly PhraseEntry[];
  /** index = (theme * 2 + language) * 3 + sentiment -> [start, count] */
  slots: readonly (readonly [number, number])[];
}

export function buildPhraseBook(): PhraseBook {
  const entries: PhraseEntry[] = [];
  const slots: [number, number][] = [];
  for (const theme of THEMES) {
    for (const language of ["nl", "en"] as const) {
      for (const sentiment of SENTIMENTS) {
        const texts = PHRASES[theme][language][sentiment];
        slots.push([entries.length, texts.length]);
        for (const text of texts) entries.push({ theme, language, sentiment, text });
      }
    }
  }
  return { entries, slots };
}

/** Sentiment of a reason from the recommend score (NPS category). */
export const sentimentIndex = (score: number): number => (score <= 6 ? 0 : score <= 8 ? 1 : 2);
