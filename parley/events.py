"""Events: diplomatic interactions found sentence by sentence from trigger patterns.

For each sentence, triggers (data/triggers.yaml) give the event type; the actor
mentions around the trigger take roles; dates, places, format and modality are read
from the sentence and its context. Events reported twice in one document are merged.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Optional

from . import dates as dates_mod
from . import nlp, syntax
from .actors import Mention
from .kb import KB, load_yaml, norm
from .metadata import DATELINE
from .nlp import text_of
from .model import Event, Evidence, Location, Participant

CORE_ORDER = {"host": 0, "guest": 0, "sender": 0, "recipient": 0, "visitor": 0, "participant": 1,
              "courier": 2, "speaker": 2, "attendee": 3}
NON_CORE = {"attendee", "courier", "speaker"}
ORDINALS = {w: i for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split(), 1)}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
ORDINALS.update({f"{t}{sep}{w}": n + i for t, n in _TENS.items() for sep in ("-", " ") for w, i in ORDINALS.items() if i < 10})
ORDINALS.update({"thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70, "eightieth": 80,
                 "ninetieth": 90, "hundredth": 100})
MECHANISM = re.compile(
    r"(?P<ord>\d+(?:st|nd|rd|th)|" + "|".join(sorted(ORDINALS, key=len, reverse=True)) + r")\s+(?:\w+\s+){0,2}?"
    r"(?P<unit>meeting|session|round|plenary session|plenary meeting|edition|summit|dialogue|consultations?)"
    r"(?:\s+of\s+(?:the\s+|their\s+|its\s+)?(?P<mech>[^,.;()]{3,120}?(?:dialogue mechanism|mechanism|dialogue|"
    r"commission|committee|consultations?|forum|summit|council|talks|meeting|conference|2\+2|representatives)"
    r"(?:\s+(?:between\s+the|on\s+the)\s+[^,.;()]{3,80}?"
    r"(?=\s+(?:was|were|is|which|held|on|in|,|\.)|[,.;]))?)(?=\W))?", re.I)
MECH_STOP = re.compile(r"\s+(?:since|after|before|when|while|where|which|who|that|held|was|were|is|in|at)\b.*$", re.I)
GROUP = re.compile(r"\b(?:the two|both|the|two) (?:sides|parties|ruling parties|countries|leaders|heads of state|"
                   r"presidents|ministers|governments|nations|delegations|men|heads|heads of state|pair|two)\b|they|both", re.I)
RULING = re.compile(r"\bruling[- ]part(?:y|ies)\b", re.I)
EVENT_NOUN = re.compile(r"\b(?:summit|meeting|talks|visit|trip|call|conversation|session|round|dialogue|ceremony|"
                        r"conference|forum|election|inauguration|war|attack|signing)\b", re.I)
DURING_MEETING = re.compile(r"\b(?:during|at) (?:a|the|their|his|her) (?:\w+ ){0,2}(?:meeting|talks)\b", re.I)
TOPIC_VERBS = {"discuss", "exchange", "review", "address", "consult", "confer", "talk"}
DAY_SHIFT = re.compile(r"\b(a|one|the|two|three) days? (after|before)\b", re.I)
LIST_WORDS = {"of", "and", "the", "for", "de", "al", "el", "bin", "van", "von", "da"}
REPORTED = re.compile(r"\b(?:said|says|announced|announces|told|reported|reports|stated|confirmed|quoted)\b", re.I)
INNER_DATELINE = re.compile(r"\b[A-Z]{3,}(?: [A-Z]{3,})?, [A-Z][a-z]{2,8}\.? \d{1,2}(?:, \d{4})? \([A-Z][\w ]{1,30}\) ?(?:--|—|–)")
FUTURE = re.compile(r"(?:\b|(?<=[a-z]))will(?= (?:\w+ )?(?:visit|travel|meet|hold|attend|go|be|make|pay|host|sign|speak|call|arrive|head)\b)|\b(?:will|shall|is to|are to|plans? to|planning to|scheduled|expected to|set to|next)\b", re.I)
# Order in which a sentence's triggers are read: the more specific event first.
PRIORITY = ("session", "call", "message", "agreement", "visit", "meeting")
NOT_EVENT = re.compile(r"\banniversary of\b|\bcommemorat|\b(?:years?|anniversary) since\b", re.I)


@lru_cache(maxsize=1)
def rules() -> dict:
    d = load_yaml("triggers.yaml")
    r = {"triggers": [], "codes": d.get("codes", {})}
    for t in d["triggers"]:
        r["triggers"].append(dict(t, rx=re.compile(r"\b(?:" + t["pattern"] + r")", re.I)))
    for k in ("negation", "planned", "background", "guest", "hypothetical"):
        r[k] = re.compile(d[k], re.I)
    r["formats"] = {k: re.compile(v, re.I) for k, v in d["formats"].items()}
    for k, v in r["codes"].items():
        if "pattern" in v:
            v["rx"] = re.compile(v["pattern"], re.I)
    return r


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    para: int
    index: int
    parsed: bool = True  # False: only tokenized (the prefilter found no trigger); dates are read, no events


@dataclass
class Context:
    """What a document tells about time and place, used for sentences that do not say it."""
    published: Optional[date]
    ref: Optional[date]              # the date relative expressions resolve against
    story_date: Optional[dates_mod.Resolved] = None
    dateline_place: Optional[str] = None
    dateline_day: Optional[date] = None   # the day the dateline gives, when it agrees with the text
    partial: Optional[str] = None         # "--MM-DD": the report's day when it prints no year


class EventExtractor:
    def __init__(self, kb: Optional[KB] = None):
        self.kb = kb or KB.load()

    def extract(self, sentences: list[Sentence], mentions: list[Mention], actors: dict,
                ctx: Context, sdoc=None, tokens: Optional[dict] = None) -> list[Event]:
        self.sdoc = sdoc
        self._located: list[Event] = []
        self._events: list[Event] = []
        self._mentions, self._actors = mentions, actors
        self._toks = tokens if tokens is not None else (mention_tokens(sdoc, mentions) if sdoc is not None else {})
        by_sent: dict[int, list[Mention]] = {}
        for m in mentions:
            by_sent.setdefault(m.sent, []).append(m)
        events: list[Event] = []
        para_date: dict[int, dates_mod.Resolved] = {}
        for s in sentences:
            ms = by_sent.get(s.index, [])
            sent_dates = self._dates(s, ctx)
            past = [d for d in sent_dates if d[1].precision == "day" and not d[2]
                    and (ctx.published is None or d[1].date <= ctx.published.isoformat())]
            past.sort(key=lambda d: d[3])  # a date the text reports "on" before the day it was said
            if past and s.para not in para_date:
                para_date[s.para] = past[0][1]
            if ctx.story_date is None and past:
                ctx.story_date = past[0][1]
            if not s.parsed:
                continue
            for ev in self._sentence_events(s, ms, actors, ctx, sent_dates, para_date, events):
                events.append(ev)
                self._events = events
        events = merge_within(events)
        for ev in events:  # calls and sessions have no host and guest
            if ev.type in ("call", "session"):
                for p in ev.participants:
                    if p.role in ("host", "guest"):
                        p.role = "participant"
        return events

    # -- one sentence -----------------------------------------------------------
    def _sentence_events(self, s, ms, actors, ctx, sent_dates, para_date, previous):
        r = rules()
        seen_types = set()
        out = []
        for trig in sorted(r["triggers"], key=lambda t: PRIORITY.index(t["type"])):
            m = trig["rx"].search(s.text)
            if not m:
                continue
            etype, how = trig["type"], trig["roles"]
            if how != "attend" and etype in seen_types and (etype != "meeting" or not DAY_SHIFT.search(s.text)):
                continue  # one event of a type per sentence, unless it speaks of two days
            if etype in ("meeting", "call") and ("session" in seen_types or _in_mechanism(s.text, m.start())):
                continue  # "the 4th session of the commission, held online": the session itself
            ts, te = s.start + m.start(), s.start + m.end()
            clause = s.text[max(0, m.start() - 60):m.start()]
            clause = re.split(r"[;:]|,\s+(?:but|while|and)\s+", clause)[-1]
            if r["negation"].search(s.text[max(0, m.start() - 25):m.start()]):
                continue
            if NOT_EVENT.search(s.text[max(0, m.start() - 40):m.start()]):
                continue  # "the 20th anniversary of the signing of the treaty" names a past event
            if r["hypothetical"].search(clause):
                continue  # "urged them to sign", "is open to talks": wished for, not done
            if how == "attend":
                self._attend(ms, ts, previous, s)
                continue
            if how == "lead":
                self._lead(ms, ts, previous, s, actors)
                continue
            ev = self._build(etype, how, trig, s, ms, ts, te, actors, ctx)
            if ev is None:
                continue
            seen_types.add(etype)
            for one in _split(ev, s.text):
                out.append(self._finish(one, trig, s, ts, te, clause, sent_dates, para_date, ctx, actors))
            if etype == "message" and DURING_MEETING.search(s.text):
                courier = [p for p in ev.participants if p.role == "courier"]
                recipient = [p for p in ev.participants if p.role == "recipient"]
                if courier and recipient and "meeting" not in seen_types:
                    # "X delivered a letter from Z to Y during a meeting": X and Y met
                    met = Event(type="meeting", participants=[Participant(courier[0].actor, courier[0].actor_id, "participant"),
                                                              Participant(recipient[0].actor, recipient[0].actor_id, "participant")],
                                evidence=[Evidence(s.start, s.end, s.text)], format="in_person", trigger="during a meeting")
                    met_trig = next(t for t in r["triggers"] if t["type"] == "meeting")
                    out.append(self._finish(met, met_trig, s, ts, te, clause, sent_dates, para_date, ctx, actors))
                    seen_types.add("meeting")
        return out

    def _finish(self, ev, trig, s, ts, te, clause, sent_dates, para_date, ctx, actors) -> Event:
        """Modality, date, place, roles by place, codes and confidence of a new event."""
        r = rules()
        if r["planned"].search(clause) or (ev.type == "visit" and re.search(r"\b(?:will|to)\s+(?:\w+\s+)?$", clause)):
            ev.status = "planned"
        elif r["background"].search(s.text[:ts - s.start + 40]):
            ev.status = "background"
        self._date(ev, s, ts, sent_dates, para_date, ctx)
        if ev.status == "occurred" and ev.date and ctx.published:
            last = _period_end(ev.date)
            first = dates_mod.parse_date(ev.date if ev.date_precision == "day" else None)
            if last and (ctx.published - last).days > 45:
                ev.status = "background"
            elif first and first > ctx.published + timedelta(days=1):
                ev.status = "planned"
        self._location(ev, s, ts, te, ctx)
        self._roles_by_place(ev, actors)
        if ev.type in ("visit", "meeting") and (ev.location.city or ev.location.country):
            self._located.append(ev)
        self._codes(ev, trig, s)
        ev.confidence = self._confidence(ev)
        return ev

    def _build(self, etype, how, trig, s, ms, ts, te, actors, ctx) -> Optional[Event]:
        self._no_object = False
        left, right = self._sides(ms, ts, te, how)
        if self._no_object:
            return None
        ev = Event(type=etype, participants=[], evidence=[Evidence(s.start, s.end, s.text)],
                   format=trig.get("format"), trigger=s.text[ts - s.start:te - s.start].strip())
        fmt = self._format(s.text)
        if etype == "call":
            ev.format = fmt or "phone"
        elif etype in ("meeting", "visit"):
            if fmt and etype == "meeting":  # "held talks via video link": a call, not a meeting
                ev.type, ev.format = "call", fmt
            else:
                ev.format = "in_person"
        elif etype == "session":
            ev.format = fmt or "in_person"
            mm = MECHANISM.search(s.text)
            if not mm:
                return None
            mech = mm.group("mech")
            if not mech and re.search(r"\b(?:their|its)\s+$", s.text[max(0, mm.start() - 8):mm.start()]):
                mech = self._subject_phrase(ts, te)  # "The joint commission met for its 7th session"
            if not mech:
                return None
            mech = MECH_STOP.sub("", mech.strip())  # "... Representatives since Xi and Modi held ..."
            ev.ordinal = _ordinal(mm.group("ord"))
            if ev.ordinal == 1 and re.match(r"first\s+(?:such\s+)?(?:meeting|session|round)\s+\S+\s+since", mm.group(0) + s.text[mm.end():mm.end() + 40], re.I):
                return None  # "the first meeting ... since": a first in a while, not session number one
            ev.mechanism = re.sub(r"^(?:the)\s+", "", mech, flags=re.I)
            ev.participants = self._session_parties(s, ms, actors, mm, ctx)
            return ev if ev.participants else None
        if how in ("mutual", "host_guest"):
            subj = _side(left, near="end")
            obj = [m for m in _side(right, near="start") if m.actor_id not in {x.actor_id for x in subj}]
            if not subj and not obj:
                return None
            ev._sides = ({m.actor_id for m in subj}, {m.actor_id for m in obj})
            guest_ids = {m.actor_id for m in obj + subj if self._is_guest(m, s)}
            for m in subj:
                role = "host" if how == "host_guest" else ("guest" if m.actor_id in guest_ids else "participant")
                ev.participants.append(Participant(actors[m.actor_id].name, m.actor_id, role))
            for m in obj:
                role = "guest" if how == "host_guest" else ("guest" if m.actor_id in guest_ids else "participant")
                ev.participants.append(Participant(actors[m.actor_id].name, m.actor_id, role))
            if guest_ids and how == "mutual":
                for p in ev.participants:
                    if p.role == "participant":
                        p.role = "host"
            if etype == "call":
                for p in ev.participants:
                    p.role = "participant"
            ev.participants = _drop_affiliations(ev.participants, actors)
            if len({p.actor_id for p in ev.participants}) < 2:
                return None
        elif how == "visitor":
            persons = [m for m in left if m.kind == "person"]
            if not persons:
                return None
            v = persons[-1]
            ev.participants.append(Participant(actors[v.actor_id].name, v.actor_id, "visitor"))
            place = self._place_after(s, te) or self._place_in(s) or self._dateline_location(ctx)
            if place is None:
                return None
            home = actors[v.actor_id].country if actors.get(v.actor_id) else None
            if home and place.country == home:
                return None  # travel at home is not a diplomatic visit
            ev.location = place
        elif how == "message":
            self._message_roles(ev, s, ms, left, right, ts, te, actors)
            ev.participants = _drop_affiliations(ev.participants, actors)
            if not any(p.role == "sender" for p in ev.participants):
                return None
            countries = {actors[p.actor_id].country for p in ev.participants
                         if p.role in ("sender", "recipient") and actors.get(p.actor_id) is not None}
            if any(p.role == "recipient" for p in ev.participants) and len(countries) == 1 and None not in countries:
                return None  # a letter from lawmakers to their own minister is not diplomacy
        elif how == "parties":  # agreement: its subjects ("the two sides" resolved by _sides), else objects
            for m in _side(left, near="end") or _side(right, near="start"):
                ev.participants.append(Participant(actors[m.actor_id].name, m.actor_id, "participant"))
            ev.participants = _drop_affiliations(ev.participants, actors)
            if len({p.actor_id for p in ev.participants}) < 2:
                return None  # an agreement has at least two parties
        return ev if ev.participants else None

    def _sides(self, ms, ts, te, how):
        """Mentions on the subject and object side of a trigger: by syntax, else by position."""
        left = [m for m in ms if m.end <= ts]
        right = [m for m in ms if m.start >= te]
        if self.sdoc is None:
            return left, right
        a = syntax.arguments(self.sdoc, ts, te)
        sl = self._covered(ms, a.subjects)
        objects = a.objects
        if a.head is not None and nlp.lemma(a.head) in TOPIC_VERBS:  # "discussed Ukraine": a topic, not a party
            objects = [o for o in a.objects if o.i in a.preps]
        sr = [m for m in self._covered(ms, objects) if m not in sl]
        sr = self._extend_list(sr, right, sl)
        if a.passive and how == "host_guest":
            sl, sr = sr, sl  # "was received by Xi": the agent is the host
        persons = lambda xs: [m for m in xs if m.kind == "person"]
        if not sl and self._group_subject(a):  # "the two leaders", "the pair", "they"
            sl = [m for m in self._group_members(ms, ts) if m.actor_id not in {x.actor_id for x in sr}]
        between = [o for o in a.objects if a.preps.get(o.i) == "between"]
        if between and len(sr) >= 2:
            return [], sr  # "talks between Russia and Ukraine": those two, whoever speaks of them
        if not sl and how != "message" and (not a.subjects or (a.head is not None and a.head.pos_ == "NOUN")):
            # no subject, or a noun trigger whose clause subject is no actor ("Xi said
            # Wednesday's meeting with Putin ..."): the nearest person before the trigger
            sl = persons(left)[-1:]
        if not sr and a.objects:  # "talks with President of the PRC Xi Jinping": a parse that misses the name
            sr = [m for m in persons(right) if self._same_clause(te, m)][:1]
            if not sr and a.head is not None and nlp.lemma(a.head) in ("meet", "receive", "host", "welcome", "greet") \
                    and any(o.pos_ == "NOUN" and o.dep_ == "dobj" for o in a.objects):
                self._no_object = True  # "met reporters", "received a warm welcome": nobody met
        elif not a.objects:
            sr = persons(right)
        if not sl and self._group_subject(a):
            sl = [m for m in self._group_members(ms, ts) if m.actor_id not in {x.actor_id for x in sr}]
        return sl, sr

    def _same_clause(self, te: int, m) -> bool:
        """No verb and no sentence break between a trigger's end and a mention."""
        span = self.sdoc.char_span(te, m.start, alignment_mode="expand")
        return span is None or not any(t.pos_ in ("VERB", "AUX") or t.text in (";", ".") for t in span)

    def _group_subject(self, a) -> bool:
        """"The two leaders held talks": a subject that refers back to the actors already named."""
        for t in a.subjects:
            toks = sorted(syntax.np_tokens(t))
            if GROUP.fullmatch(self.sdoc[toks[0]:toks[-1] + 1].text.strip()):
                return True
        return False

    def _group_members(self, ms, before: int = -1) -> list:
        """"The two leaders": the two of the latest bilateral event of the document, else the
        last two people named before (of different countries), as mentions."""
        for prev in reversed(self._events):
            core = [p for p in prev.participants if p.role not in NON_CORE]
            if prev.type in ("meeting", "call", "session") and len(core) == 2:
                return [Mention(-1, -1, p.actor, p.actor_id, "person" if self.kb.actors.get(p.actor_id) is None
                                or self.kb.actors[p.actor_id].kind == "person" else self.kb.actors[p.actor_id].kind,
                                "group") for p in core]
        picked, countries = [], set()
        for m in sorted((m for m in self._mentions if m.kind == "person" and 0 <= m.end <= before),
                        key=lambda m: -m.start):
            a = self._actors.get(m.actor_id)
            c = a.country if a is not None else None
            if m.actor_id in {x.actor_id for x in picked} or (c and c in countries):
                continue
            picked.append(m)
            countries.add(c)
            if len(picked) == 2:
                return picked
        return []

    def _extend_list(self, objs, right, subj) -> list:
        """"met with A, Minister of X B, and C": the people listed after the first object,
        as long as no verb comes between them (the parse often breaks such lists)."""
        persons = [m for m in right if m.kind == "person"]
        firsts = [m for m in objs if m.kind == "person"]
        if not firsts:
            return objs
        out = list(objs)
        last = min(firsts, key=lambda m: m.start)
        for m in persons:
            if m.start <= last.start or m.actor_id in {x.actor_id for x in subj}:
                continue
            if m in out:
                last = m
                continue
            between = self.sdoc.char_span(last.end, m.start, alignment_mode="expand")
            if between is None or any(t.pos_ in ("VERB", "AUX") or t.text in (";", ".")
                                      or (t.is_alpha and t.is_lower and t.lower_ not in LIST_WORDS) for t in between):
                break  # a list of names and titles only: "A, Minister of X B, and C"
            out.append(m)
            last = m
        return out

    def _covered(self, ms, heads) -> list:
        """Mentions inside the noun phrases headed by these tokens (appositions if need be)."""
        out = []
        for h in heads:
            found = [m for m in ms if self._toks.get(id(m), set()) & syntax.covered([h])]
            if not any(m.kind == "person" for m in found):
                # "my colleague, the Minister for Ports Anna Berg"; "party leader and deputy
                # speaker Anna Berg": the person in apposition
                wider = [m for m in ms if self._toks.get(id(m), set()) & syntax.covered([h], with_appositions=True)]
                wider += [m for m in ms if m.kind == "person" and self._toks.get(id(m), set()) & _subtree_np(h)]
                if any(m.kind == "person" for m in wider) or not found:
                    found = [m for m in wider if m.kind == "person"] or wider
            out.extend(m for m in found if m not in out)
        return out

    # -- roles ------------------------------------------------------------------
    def _is_guest(self, m: Mention, s: Sentence) -> bool:
        rx = rules()["guest"]
        before = s.text[max(0, m.start - s.start - 70):m.start - s.start]
        after = s.text[m.end - s.start:m.end - s.start + 90]
        if re.search(r"\bvisiting\b(?:\s+[\w().'-]+){0,8}\s*$", before):
            return True
        return bool(re.match(r"\s*,\s*(?:[^,]{0,60},\s*)?" + rx.pattern, after, re.I))

    def _roles_by_place(self, ev: Event, actors: dict) -> None:
        """Host and guest from where an in-person meeting took place."""
        if ev.type != "meeting" or not ev.location.country:
            return
        if any(p.role in ("host", "guest") for p in ev.participants):
            return
        parts = [p for p in ev.participants if p.role == "participant"]
        country = lambda p: actors[p.actor_id].country if actors.get(p.actor_id) else None
        home = [p for p in parts if country(p) == ev.location.country]
        away = [p for p in parts if country(p) and country(p) != ev.location.country]
        if home and len(home) < len(parts):
            for p in parts:
                p.role = "host" if p in home else "guest"
        elif len(away) == 1 and len(parts) == 2:  # the one foreigner is the guest of the other
            for p in parts:
                p.role = "guest" if p in away else "host"

    def _message_roles(self, ev, s, ms, left, right, ts, te, actors) -> None:
        text = s.text
        sender = recipient = None
        for m in ms:
            rel_s, rel_e = m.start - s.start, m.end - s.start
            if re.match(r"\s*['’]s?\s+(?:\w+\s+){0,3}?(?:letter|message|greetings|telegram|congratulat|condolence)",
                        text[rel_e:rel_e + 50], re.I):
                sender = sender or m
            else:
                preps = re.findall(r"\b(from|to)\s+(?=(?:[\w.'’-]+\s+){0,4}$)", text[max(0, rel_s - 40):rel_s])
                if preps and preps[-1] == "from" and m.start >= ts - 60:
                    sender = sender or m
                elif preps and preps[-1] == "to" and m.start >= ts:
                    recipient = recipient or m
        subj = [m for m in _side(left, near="end") if m is not sender and m is not recipient]
        courier = None
        if sender and subj and subj[-1].actor_id != sender.actor_id:
            courier = subj[-1]
        elif not sender and subj:
            sender = subj[-1] if len(subj) == 1 else None
            if sender is None:  # "X and Y sent letters": one message each
                for m in subj:
                    ev.participants.append(Participant(actors[m.actor_id].name, m.actor_id, "sender"))
        if sender:
            ev.participants.append(Participant(actors[sender.actor_id].name, sender.actor_id, "sender"))
        if recipient and (not sender or recipient.actor_id != sender.actor_id):
            ev.participants.append(Participant(actors[recipient.actor_id].name, recipient.actor_id, "recipient"))
        if courier:
            ev.participants.append(Participant(actors[courier.actor_id].name, courier.actor_id, "courier"))
        if re.search(r"\bconvey|\bpass(?:ed)? on\b", text[ts - s.start:te - s.start + 40], re.I) and not courier:
            # "X asked Y to convey his greetings to Z": Y carries X's greetings
            persons = [m for m in ms if m.kind == "person"]
            if len(persons) >= 3:
                ev.participants = [Participant(actors[persons[0].actor_id].name, persons[0].actor_id, "sender"),
                                   Participant(actors[persons[1].actor_id].name, persons[1].actor_id, "courier"),
                                   Participant(actors[persons[2].actor_id].name, persons[2].actor_id, "recipient")]

    def _session_parties(self, s, ms, actors, mm, ctx) -> list:
        span_s, span_e = s.start + mm.start(), s.start + mm.end()
        tail = re.split(r"\s(?:was|were|is|are|has|have|which|that)\s|[;:]", s.text[span_e - s.start:span_e - s.start + 140])[0]
        inside = [m for m in ms if span_s <= m.start and m.end <= span_e + len(tail)]
        out = []
        if self.sdoc is not None:  # "Berg and Sato held the 4th round of talks": the people who held it
            a = syntax.arguments(self.sdoc, span_s, span_e)
            people = [m for m in self._covered(ms, a.subjects) if m.kind == "person"]
            if people:
                return [Participant(actors[m.actor_id].name, m.actor_id, "participant") for m in people]
        if RULING.search(mm.group(0)):
            for m in inside:
                if m.kind == "country":
                    party = self._ruling_party(m.actor_id, ctx)
                    if party:
                        out.append(Participant(party.name, party.id, "participant"))
        if not out:
            for m in inside:
                if m.kind in ("party", "country", "igo", "organization"):
                    out.append(Participant(actors[m.actor_id].name, m.actor_id, "participant"))
        if not out and self.sdoc is not None:  # "the CPC and United Russia held the tenth session of their dialogue"
            a = syntax.arguments(self.sdoc, span_s, span_e)
            subj = self._covered(ms, a.subjects) or [  # "The border commissioners of Peru and Chile"
                m for m in ms if any(self._toks.get(id(m), set()) & _subtree_np(t) for t in a.subjects)]
            people = [m for m in subj if m.kind == "person"]
            for m in people or subj:
                out.append(Participant(actors[m.actor_id].name, m.actor_id, "participant"))
        seen, uniq = set(), []
        for p in out:
            if p.actor_id not in seen:
                seen.add(p.actor_id)
                uniq.append(p)
        return uniq

    def _ruling_party(self, country_actor_id, ctx):
        """The party ruling a country at the document's date (parties.yaml `ruling`)."""
        iso = self.kb.actors[country_actor_id].country
        day = ctx.ref.isoformat() if ctx.ref else "9999"
        for start, end, party_id in self.kb.ruling.get(iso, []):
            if (start or "") <= day and (end is None or day <= end):
                return self.kb.actors[party_id]
        return None

    def _lead(self, ms, ts, previous, s, actors) -> None:
        """"Sato headed the Japanese side": the heads of delegations take the place of their countries."""
        target = next((e for e in reversed(previous) if e.type in ("session", "meeting")), None)
        if target is None:
            return
        for m in [m for m in ms if m.kind == "person"]:
            a = actors.get(m.actor_id)
            if any(p.actor_id == m.actor_id for p in target.participants):
                continue
            target.participants = [p for p in target.participants
                                   if not (actors.get(p.actor_id) is not None and actors[p.actor_id].kind == "country"
                                           and a is not None and actors[p.actor_id].country == a.country)]
            target.participants.append(Participant(_name(m), m.actor_id, "participant"))
        target.evidence.append(Evidence(s.start, s.end, s.text))

    def _attend(self, ms, ts, previous, s) -> None:
        persons = [m for m in ms if m.kind == "person" and m.end <= ts]
        target = next((e for e in reversed(previous) if e.type in ("meeting", "session")), None)
        if not persons or target is None:
            return
        have = {p.actor_id for p in target.participants}
        for m in persons:
            if m.actor_id not in have:
                target.participants.append(Participant(_name(m), m.actor_id, "attendee"))
        target.evidence.append(Evidence(s.start, s.end, s.text))

    # -- time, place, format, codes ---------------------------------------------
    @staticmethod
    def _partial(s: Sentence, ts: int) -> Optional[str]:
        """A day and month the sentence gives without a year (and no reference to place it)."""
        for dm in dates_mod.find(s.text):
            if dm.month and dm.day and not dm.year:
                return f"--{dm.month:02d}-{dm.day:02d}"
        return None

    def _dates(self, s: Sentence, ctx: Context):
        out = []
        skip = 0
        dl = DATELINE.match(s.text)
        if dl and (dl.group("agency") or dl.group("agency2") or dl.group("sep")):
            skip = dl.end()  # "Moscow, 3 Mar (Xinhua) --": the dateline is not the event's date
        else:  # a page flattened to one line: furniture, then the dateline, then the story
            inner = INNER_DATELINE.search(s.text)
            if inner:
                skip = inner.end()
        for dm in dates_mod.find(s.text):
            if dm.start < skip:
                continue
            before = re.split(r"[;]|\bthat\b", s.text[max(0, dm.start - 60):dm.start])[-1]
            after = re.split(r"[;.]|\bthat\b|\bbut\b", s.text[dm.end:dm.end + 50])[0]
            future = bool(FUTURE.search(before) or (dm.start < 25 and FUTURE.search(after)))
            res = dates_mod.resolve(dm, ctx.ref, future=future)
            if res.date:
                reported = bool(REPORTED.search(s.text[max(0, dm.start - 25):dm.start])
                                or REPORTED.match(s.text[dm.end:dm.end + 25].lstrip(" ,")))
                out.append((dm, res, future, reported))
        return out

    def _date(self, ev, s, ts, sent_dates, para_date, ctx) -> None:
        shift = DAY_SHIFT.search(s.text[max(0, ts - s.start - 60):ts - s.start])
        base = [d for d in sent_dates if d[1].precision == "day"]
        if shift and base:  # "signed on Friday, a day after the two held talks"
            n = {"a": 1, "one": 1, "the": 1, "two": 2, "three": 3}[shift.group(1).lower()]
            d0 = dates_mod.parse_date(base[0][1].date)
            d0 += timedelta(days=-n if shift.group(2).lower() == "after" else n)
            ev.date, ev.date_precision, ev.date_basis = d0.isoformat(), "day", "relative"
            return
        cands = self._attached_dates(s, ts, sent_dates)
        if cands:
            # "the ministry on Sunday said the talks were held on Nov. 6": not the day it was said
            cands = [d for d in cands if not d[3]] or cands
            cands = [d for d in cands if d[1].precision == "day"] or cands  # "last week ... on December 21"
            dm, res = min(cands, key=lambda x: abs(s.start + x[0].start - ts))[:2]
            ev.date, ev.date_precision, ev.date_basis = res.date, res.precision, res.basis
            ev.date_range = res.range
            return
        if ev.status == "background":
            return
        res = para_date.get(s.para) or ctx.story_date
        shift = DAY_SHIFT.search(s.text[:ts - s.start])
        if res and shift and res.precision == "day":  # "the meeting came a day after Xi's talks with Putin"
            n = {"a": 1, "one": 1, "the": 1, "two": 2, "three": 3}[shift.group(1).lower()]
            d = dates_mod.parse_date(res.date) + timedelta(days=-n if shift.group(2).lower() == "after" else n)
            ev.date, ev.date_precision, ev.date_basis = d.isoformat(), "day", "relative"
            return
        if res and res.range and res.range[0][:7] == res.range[1][:7]:
            # inside a span ("visited from 17 to 19 June"): the month is what is known
            ev.date, ev.date_precision, ev.date_basis = res.range[0][:7], "month", "inferred"
            ev.date_range = res.range
        elif res:
            ev.date, ev.date_precision, ev.date_basis = res.date, res.precision, "inferred"
        elif ctx.dateline_day:
            ev.date, ev.date_precision, ev.date_basis = ctx.dateline_day.isoformat(), "day", "inferred"
        elif ctx.published:
            ev.date, ev.date_precision, ev.date_basis = ctx.published.isoformat(), "day", "published"
        if not ev.date:
            ev.date_partial = self._partial(s, ts) or ctx.partial

    def _attached_dates(self, s: Sentence, ts: int, sent_dates: list) -> list:
        """The sentence's dates that belong to this trigger: by the parse, the dates whose
        clause is the trigger's ("Berg, who landed on Monday, met Sato on Tuesday": Tuesday);
        else those with no other event named between them ("hosted Sato for the talks, the
        first since the summit ... in October")."""
        if self.sdoc is not None and sent_dates:
            verb = _clause_verb(syntax.head_token(self.sdoc, ts, ts + 1))
            own = []
            for d in self._gap_filter(s, ts, sent_dates):
                span = self.sdoc.char_span(s.start + d[0].start, s.start + d[0].end, alignment_mode="expand")
                dv = _clause_verb(span.root) if span is not None else None
                if verb is not None and dv is not None and dv.i == verb.i:
                    own.append(d)
            if own:
                return own
        return self._gap_filter(s, ts, sent_dates)

    def _gap_filter(self, s: Sentence, ts: int, sent_dates: list) -> list:
        """Dates with no other event named between them and the trigger."""
        out = []
        for d in sent_dates:
            ds = s.start + d[0].start
            lo, hi = sorted((ds, ts))
            gap = text_of(self.sdoc)[lo:hi] if self.sdoc is not None else s.text
            if ds > ts:  # a date after the trigger: another event noun before it takes it
                first_noun = EVENT_NOUN.search(gap)
                container = re.search(r"\b(?:during|at|amid|on the sidelines of|in the course of)\s+(?:\w+\s+){0,3}$",
                                      gap[:first_noun.start()]) if first_noun else None
                if first_noun and first_noun.start() > 12 and not container:
                    continue  # (but "delivered a letter during a meeting on Dec. 21": the same day)
            elif EVENT_NOUN.search(gap) and len(gap) > 60:
                continue
            out.append(d)
        return out

    def _format(self, text: str) -> Optional[str]:
        f = rules()["formats"]
        if f["video"].search(text):
            return "video"
        if f["phone"].search(text):
            return "phone"
        return None

    def _place_after(self, s: Sentence, te: int) -> Optional[Location]:
        rest = s.text[te - s.start:te - s.start + 80]
        rest = re.split(r"\s(?:from|by|with|for|on|after|before|since|amid|as|where|when|and then)\s|[,;:(]", rest)[0]
        for m in re.finditer(r"(?:the\s+)?[A-Z][\w'’.\-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'’.\-]*){0,5}", rest):
            loc = self._place(m.group(0))
            if loc:
                return loc
        return None

    def _subject_phrase(self, ts: int, te: int) -> Optional[str]:
        """The words of the clause's subject when it names a body, not a person."""
        if self.sdoc is None:
            return None
        a = syntax.arguments(self.sdoc, ts, te)
        for t in a.subjects:
            toks = sorted(t.subtree, key=lambda x: x.i)
            text = self.sdoc[toks[0].i:toks[-1].i + 1].text
            if t.pos_ in ("NOUN", "PROPN") and not t.ent_type_ == "PERSON" and len(text.split()) >= 2:
                return text
        return None

    def _dateline_location(self, ctx) -> Optional[Location]:
        p = self.kb.place(ctx.dateline_place) if ctx.dateline_place else None
        return Location(city=p.city or p.name, country=p.country) if p else None

    def _place_in(self, s: Sentence) -> Optional[Location]:
        """A city or venue the sentence names ("held talks with Xi in Kazan, after he arrived in the
        capital of the region")."""
        for m in re.finditer(r"\b(?:in|at)\s+((?:the\s+)?[A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*){0,4})", s.text):
            loc = self._place(m.group(1))
            if loc and (loc.city or loc.venue):
                return loc
        for m in re.finditer(r"\b(?:in|to)\s+([A-Z][\w'’.\-]*(?:\s+[A-Z][\w'’.\-]*){0,3})", s.text):
            loc = self._place(m.group(1))
            if loc:
                return loc
        return None

    def _place(self, text: str) -> Optional[Location]:
        kb = self.kb
        cap = re.match(r"(?:the\s+)?([A-Z][\w\-]+)\s+capital\b", text)
        if cap and kb.country_of(cap.group(1)):  # "the Ukrainian capital"
            iso = kb.country_of(cap.group(1))
            city = kb.countries.get(iso, {}).get("capital")
            return Location(city=city, country=iso) if city else Location(country=iso)
        words = text.split()
        for n in range(len(words), 0, -1):  # longest prefix that names a place
            cand = " ".join(words[:n])
            p = kb.place(cand)
            if p:
                if p.kind == "venue":
                    return Location(venue=p.name, city=p.city, country=p.country)
                return Location(city=p.name, country=p.country)
            iso = kb.country_names.get(norm(cand))
            if iso:
                return Location(country=iso)
        return None

    def _location(self, ev: Event, s: Sentence, ts: int, te: int, ctx: Context) -> None:
        if ev.location.city or ev.location.venue or ev.format in ("phone", "video", "written"):
            return
        text = s.text
        best = None
        for m in re.finditer(r"\b(?:in|at|to)\s+((?:the\s+)?[A-Za-z][\w'’.\-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'’.\-]*){0,5})", text):
            loc = self._place(m.group(1))
            if loc and (best is None or (loc.venue and not best.venue) or (loc.city and not best.city and not best.venue)):
                best = loc
        if best is None and self.sdoc is not None:
            best = self._ner_place(s)
        if best:
            if best.city is None and best.venue is None and ev.location.country:
                return
            ev.location = best
        elif ev.type in ("meeting", "session") and ev.status == "occurred":
            ids = {p.actor_id for p in ev.participants}
            for prev in reversed(self._located):  # where the visit of one of them took place
                if prev.status == "occurred" and ids & {p.actor_id for p in prev.participants}:
                    ev.location = copy.copy(prev.location)
                    return
            if ctx.dateline_place:
                p = self.kb.place(ctx.dateline_place)
                if p:
                    ev.location = Location(city=p.city or p.name, country=p.country)

    def _ner_place(self, s: Sentence) -> Optional[Location]:
        """A place the knowledge base does not know: "held ... in a border town NER knows" (NER GPE)."""
        span = self.sdoc.char_span(s.start, s.end, alignment_mode="expand")
        if span is None:
            return None
        for ent in span.ents:
            if ent.label_ in ("GPE", "FAC") and ent.start > 0 and self.sdoc[ent.start - 1].lower_ in ("in", "at"):
                name = re.sub(r"^the\s+", "", ent.text)
                if self.kb.country_of(name):
                    return Location(country=self.kb.country_of(name))
                return Location(city=name) if ent.label_ != "FAC" else Location(venue=name)
        return None

    def _codes(self, ev: Event, trig: dict, s: Sentence) -> None:
        codes = rules()["codes"]
        cameo, plover = trig.get("cameo"), list(trig.get("plover") or [None, None])
        if ev.type == "message":
            for key in ("condolence", "congratulation"):
                if codes[key]["rx"].search(s.text):
                    cameo, plover = codes[key]["cameo"], list(codes[key]["plover"])
                    break
        if ev.type == "meeting":
            if any(p.role == "host" for p in ev.participants):
                cameo, plover = codes["host"]["cameo"], list(codes["host"]["plover"])
        if ev.type == "call":
            cameo, plover = "041", ["CONSULT", "phone"]
        ev.cameo = cameo
        ev.plover = {"event": plover[0], "mode": plover[1]}

    @staticmethod
    def _confidence(ev: Event) -> float:
        c = 0.5
        core = [p for p in ev.participants if p.role not in NON_CORE]
        if len(core) >= 2 or ev.type == "visit":
            c += 0.2
        if ev.date_basis in ("explicit", "relative"):
            c += 0.1
        if ev.location.city or ev.location.venue:
            c += 0.1
        if ev.status != "occurred":
            c -= 0.2
        return max(0.05, min(0.95, c))


def _clause_verb(tok):
    """The verb whose clause holds this token (a noun trigger belongs to its verb's clause)."""
    seen = 0
    while tok is not None and seen < 12:
        if tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("amod", "compound"):
            return tok
        if tok.head is tok:
            return tok
        tok, seen = tok.head, seen + 1
    return None


def _subtree_np(tok) -> set:
    """Tokens of a noun phrase with its "of"-complements and conjuncts, no clauses."""
    out = {tok.i}
    for c in tok.children:
        if c.dep_ in ("compound", "amod", "det", "nmod", "conj", "cc", "appos", "prep", "pobj", "flat", "punct"):
            if c.dep_ == "prep" and c.lower_ != "of":
                continue
            out |= _subtree_np(c)
    return out


def mention_tokens(sdoc, mentions) -> dict:
    """id(mention) -> the token indices it covers in the parsed document."""
    out = {}
    for m in mentions:
        span = sdoc.char_span(m.start, m.end, alignment_mode="expand")
        out[id(m)] = {t.i for t in span} if span is not None else set()
    return out


def _name(m: Mention) -> str:
    from .kb import KB
    a = KB.load().actors.get(m.actor_id)
    return a.name if a else m.text


def _period_end(d: str) -> Optional[date]:
    """The last day of a date, month or year."""
    try:
        if len(d) == 10:
            return date.fromisoformat(d)
        if len(d) == 7:
            y, m = int(d[:4]), int(d[5:7])
            return date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
        if len(d) == 4:
            return date(int(d), 12, 31)
    except ValueError:
        return None
    return None


def _ordinal(tok: str) -> Optional[int]:
    t = tok.lower()
    if t in ORDINALS:
        return ORDINALS[t]
    m = re.match(r"(\d+)", t)
    return int(m.group(1)) if m else None


def _side(ms: list[Mention], near: str) -> list[Mention]:
    """The actors on one side of a trigger: persons if any are named, else the others."""
    persons = [m for m in ms if m.kind == "person"]
    pick = persons or [m for m in ms if m.kind in ("country", "party", "igo", "organization")]
    if not pick:
        return []
    seen, out = set(), []
    for m in (pick if near == "start" else reversed(pick)):
        if m.actor_id not in seen:
            seen.add(m.actor_id)
            out.append(m)
    out = out if near == "start" else list(reversed(out))
    if not persons:  # organisations: only those closest to the trigger
        out = out[:2] if near == "start" else out[-2:]
    return out


def _in_mechanism(text: str, pos: int) -> bool:
    """Is this position inside "the Nth meeting of the X mechanism"?"""
    return any(m.group("mech") and m.start() <= pos < m.end() for m in MECHANISM.finditer(text))


def _drop_affiliations(parts: list, actors: dict) -> list:
    """A country or party named beside its own person is not a second party to the event."""
    persons = [actors[p.actor_id] for p in parts if actors.get(p.actor_id) and actors[p.actor_id].kind == "person"]
    if not persons:
        return parts
    countries = {a.country for a in persons if a.country}
    out = []
    for p in parts:
        a = actors.get(p.actor_id)
        if a is not None and a.kind in ("country", "party") and a.country in countries:
            continue
        out.append(p)
    return out


JOINT = re.compile(r"\b(?:jointly|together|joint (?:meeting|talks|call)|trilateral|quadrilateral|multilateral|all of them)\b", re.I)


def _split(ev: Event, text: str) -> list[Event]:
    """One event per real interaction.

    "Xi and Putin sent congratulatory letters": one message per sender. "Singh met with
    A, B and C" (one actor, a list of counterparts): one meeting per counterpart, unless
    the sentence says the meeting was joint.
    """
    if ev.type == "message":
        group = [p for p in ev.participants if p.role == "sender"]
    elif ev.type in ("meeting", "call") and not JOINT.search(text):
        subj, obj = getattr(ev, "_sides", (set(), set()))
        group = [p for p in ev.participants if p.actor_id in obj and p.role not in NON_CORE]
        if len([p for p in ev.participants if p.actor_id in subj]) != 1:
            group = []
    else:
        group = []
    if len(group) < 2:
        return [ev]
    rest = [p for p in ev.participants if p not in group]
    out = []
    for p in group:
        e = copy.copy(ev)
        e.participants = [copy.copy(q) for q in rest] + [copy.copy(p)]
        e.evidence = list(ev.evidence)
        e.location = copy.copy(ev.location)
        out.append(e)
    return out


def _core(ev: Event) -> frozenset:
    return frozenset(p.actor_id for p in ev.participants if p.role not in NON_CORE)


def merge_within(events: list[Event]) -> list[Event]:
    """One event per real event within a document: same type, same core actors, same day."""
    out: list[Event] = []
    for ev in events:
        twin = None
        for o in out:
            if o.status != ev.status and not (o.type == ev.type == "visit" and {o.status, ev.status} == {"occurred", "planned"}
                                              and o.date == ev.date):
                continue  # a report that says "he is glad to come on this visit" is about the visit it reports
            if o.type != ev.type and not ({o.type, ev.type} <= {"meeting", "call", "session"}
                                          and "meeting" in (o.type, ev.type)):
                continue
            a, b = _core(o), _core(ev)
            if not (a and b) or not (a <= b or b <= a):
                continue
            if o.date and ev.date and not (o.date.startswith(ev.date) or ev.date.startswith(o.date)):
                continue
            if o.type == "session" and o.ordinal and ev.ordinal and o.ordinal != ev.ordinal:
                continue
            if o.type != ev.type and not (a == b and o.date and o.date == ev.date):
                continue  # a generic "met"/"discussed" is that call or session only when all agrees
            twin = o
            break
        if twin is None:
            out.append(ev)
            continue
        _absorb(twin, ev)
    return out


def _absorb(keep: Event, other: Event) -> None:
    if "occurred" in (keep.status, other.status):
        keep.status = "occurred"
    if keep.type == "meeting" and other.type in ("call", "session"):
        keep.type, keep.format, keep.cameo, keep.plover = other.type, other.format, other.cameo, other.plover
        keep.mechanism, keep.ordinal = other.mechanism, other.ordinal
        if keep.format in ("video", "phone"):
            keep.location = other.location
    roles = {p.actor_id: p for p in keep.participants}
    for p in other.participants:
        q = roles.get(p.actor_id)
        if q is None:
            keep.participants.append(p)
            roles[p.actor_id] = p
        elif CORE_ORDER.get(p.role, 1) < CORE_ORDER.get(q.role, 1):
            q.role = p.role
    for e in other.evidence:
        if all(e.start != x.start for x in keep.evidence):
            keep.evidence.append(e)
    if (keep.date_precision != "day" or keep.date_basis in ("published", "inferred")) and other.date \
            and other.date_precision == "day" and other.date_basis in ("explicit", "relative"):
        keep.date, keep.date_precision, keep.date_basis = other.date, other.date_precision, other.date_basis
    remote = keep.format in ("video", "phone", "written")
    if not remote and (not keep.location.venue and other.location.venue or not keep.location.city and other.location.city):
        keep.location = other.location
    keep.format = keep.format or other.format
    keep.mechanism = keep.mechanism or other.mechanism
    keep.ordinal = keep.ordinal or other.ordinal
    keep.confidence = min(0.98, max(keep.confidence, other.confidence) + 0.05)
