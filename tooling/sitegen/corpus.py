"""Words and sentences the generator composes articles from, and the one real article it carries.

The sentences are written for this project in the paper's register; combined at random they give
articles whose text, length and content hash all differ.
"""

from __future__ import annotations

ACTORS = (
    "The Ministry of Economy",
    "The Ministry of Public Health",
    "UN agencies",
    "The World Food Programme",
    "Local officials",
    "The caretaker government",
    "Provincial authorities",
    "Aid organisations",
    "The Afghanistan Chamber of Commerce",
    "Residents",
    "Traders",
    "Farmers",
    "Teachers",
    "Women's rights activists",
    "The Ministry of Foreign Affairs",
    "The National Statistics and Information Authority",
    "Regional diplomats",
    "The Red Crescent Society",
)
VERBS = (
    "announced",
    "called for",
    "warned about",
    "welcomed",
    "criticised",
    "discussed",
    "reported progress on",
    "expressed concern over",
    "launched",
    "postponed",
)
TOPICS = (
    "new trade routes",
    "winter aid deliveries",
    "the reopening of schools",
    "rising food prices",
    "a water management project",
    "the return of refugees",
    "mining contracts",
    "power imports",
    "the polio vaccination campaign",
    "flood relief",
    "border crossings",
    "the national budget",
    "university entrance exams",
    "the railway project",
    "drought in the north",
    "humanitarian funding",
    "restrictions on women's work",
    "the exchange rate of the afghani",
)
PLACES = ("Kabul", "Herat", "Kandahar", "Mazar-i-Sharif", "Jalalabad", "Kunduz", "Bamyan")
REMARKS = (
    "Officials said the work would be completed before the end of the year.",
    "The decision drew mixed reactions from residents.",
    "No timetable was given for the next steps.",
    "Economists say the effect on ordinary families is hard to measure.",
    "The plan depends on funding that has not yet been pledged.",
    "Several shopkeepers told Afghanistan Times that business had slowed.",
    "The announcement came after weeks of talks with provincial elders.",
    "Critics argue that the measures do not go far enough.",
    "A spokesman said more details would be shared in the coming days.",
    "Prices in the main bazaar rose by nearly ten percent last month.",
    "Aid workers say access to remote districts remains difficult.",
    "The project is expected to create hundreds of jobs.",
    "Hospitals in the province report a shortage of medicine.",
    "The talks were described as constructive by both sides.",
    "Families who returned from Iran and Pakistan need shelter and work.",
    "Students and parents are waiting for a clear answer.",
    "Electricity shortages have hit small factories hardest.",
    "Observers say the region's stability depends on cooperation.",
)
WRITERS = (
    "Ahmad Shah Karimi",
    "Farida Noori",
    "Mohammad Hassan Wafaey",
    "Zarghona Ahmadzai",
    "Dr. Abdul Qadir Mohmand",
    "Sayed Jalal Hashimi",
)
OPINION_OPENERS = (
    "Afghanistan stands at a crossroads once again.",
    "Few issues matter more to ordinary Afghans than this one.",
    "The past year has shown how fragile our gains remain.",
    "It is time to look honestly at what has gone wrong.",
)
EDITORIAL_PREFIXES = ("Editorial: ", "Editorial; ", "ED: ")
DARI_QUOTE = "«ما صلح می‌خواهیم»"  # "We want peace", as quoted in some stories

TAGS = (
    ("taliban", "Taliban"),
    ("sco", "SCO"),
    ("china", "China"),
    ("russia", "Russia"),
    ("iran", "Iran"),
    ("economy", "Economy"),
    ("education", "Education"),
    ("women", "Women"),
    ("humanitarian-aid", "Humanitarian Aid"),
    ("pakistan", "Pakistan"),
    ("un", "UN"),
    ("mining", "Mining"),
)

# The real article of fixtures/seed-article.txt (15 September 2022), body after the "AT News"
# paragraph and without the leading "Kabul: ".
SCO_TITLE = "SCO Summit; Putin’s meeting with Ebrahim Raisi and Xi Jinping in Samarkand"
SCO_PARAGRAPHS = (
    "Russian President Vladimir Putin entered the ancient city of Samarkand in Uzbekistan to "
    "attend the Shanghai Cooperation Organization summit and met with Iranian President Ebrahim "
    "Raisi.",
    "Mr. Putin is also scheduled to meet with his Chinese counterpart, Xi Jinping.",
    "This meeting will be the first meeting between the leaders of Beijing and Moscow since the "
    "Russian invasion of Ukraine in March of this year.",
    "Experts are closely watching the meeting, as it will signal growing cooperation between "
    "Moscow and Beijing.",
    "Economic and strategic relations between the two countries have been strengthened since the "
    "face-to-face talks between the presidents of the two countries in February in the Chinese "
    "capital.",
    "This is the first trip of the Chinese leader abroad after the outbreak of the corona virus "
    "in 2019.",
    "The Kremlin had previously announced that this meeting and summit would be an “alternative” "
    "to the Western world, which has isolated Russia in the world after the Ukraine war.",
    "Kremlin foreign policy spokesman Yuri Ushakov said Mr Putin would also meet the leaders of "
    "India, Pakistan and Turkey, but his meeting with the Chinese leader was “of particular "
    "importance”.",
    "He said that this meeting will “lay the groundwork for major political changes”.",
    "The meeting of the Shanghai Cooperation Organization is going to officially start today.",
    "Shanghai Cooperation Organization head meeting, which started today, will be without the "
    "presence of a representative from Afghanistan, but the situation in Afghanistan is likely to "
    "be one of the main topics of the leaders’ talks in Samarkand.",
    "Afghanistan has participated in the meetings of SCO as an observer member since 2012, but for "
    "the second consecutive year after the Taliban came to power; no representative from "
    "Afghanistan has been invited to this regional meeting.",
    "The Shanghai Cooperation Organization was established by China, Russia, Kazakhstan, "
    "Kyrgyzstan, Tajikistan, and Uzbekistan in 2001.",
    "This organization is a political, economic and security alliance in the Eurasian region, and "
    "China, Russia, India, Kazakhstan, Kyrgyzstan, Tajikistan, Uzbekistan and Pakistan are its "
    "members.",
    "Iran ,Afghanistan, Belarus and Mongolia are its observing members in this organization.",
)
IRAN_MINING_TITLE = "Iran to start mining in Afghanistan within a month: Taliban"
IRAN_MINING_FIRST = (
    "The Public Relations Department of the Governorship of Ghor announced that a contract for "
    "the extraction of iron ore in the province had been signed with an Iranian company."
)
