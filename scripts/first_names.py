#!/usr/bin/env python3
"""Writes prompts/rules/names.toml: first names the engine reads as a name in any case, so that
"anne to share the site list fri" and "talked to the owner greg" read as the client's, as
"Anne" and "Greg" do. A note typed on a phone or dictated often has no capital letters at all.

Sources (both public domain), and the lists below (written here, the project's own):
- the US Census Bureau's 1990 first-name files (`dist.male.first`, `dist.female.first`), as the
  `names` package ships them (MIT; `pip download names`, in names/);
- Webster's Second International (1934), `web2`, as the `english-words` package ships it (MIT;
  `pip download english-words`, english_words/data/web2.pickle): a name that is also a lower-case
  English word there ("mark", "rose", "grant", "will") is left out, unless KEEP keeps it;
- WORLD: common given names outside the US census (India, Latin America, Africa, Europe, Asia).

Usage (from the repository's root):
    python3 scripts/first_names.py NAMES_DIR WEB2 > prompts/rules/names.toml
where WEB2 is web2.pickle or a text file of one word per line. The engine also leaves out any
name a rule's phrase or class uses as a word ("lois", the plural of "loi"), so this list may be
generous.
"""
import pickle
import sys

# Names that web2 also lists as words, but that a sales note uses as a name.
KEEP = """
alan allan alison amelia amy ana angelica anna ann barry beth betty benjamin billy blanca bobby
brad brent brett caroline carl chad chester colin colleen cora derrick donna elaine emma eric
erika ethel florence franklin gilbert harry heather hector henry irene jane jeff jenny jerry
jimmy joe joey jordan julio kelly kelvin kerry kim kirk kyle larry laura lewis lori lucy luke
madeline marc marcella marco margarita maria martin mary mike minnie molly mona morris nancy
neal nelson norma pablo pam patty pedro peggy perry pete peter ralph randy rick rickey rita
rodney roger ross sam seth sherry sophia spencer stella steven tamara tammy tara ted terry
tiffany timothy tom tommy tony travis troy tyrone vera victor vincent walter warren willie
""".split()

# Census names that notes use as words, or that name something else in sales notes.
DROP = """
ada ama asia cam chan cruz del dia eden ema eva hang ida ima ina ira isis jan jun kia lang len
les max miles min nada numbers roma rico seo tran ute val columbus marx
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday thu
""".split()

# Common given names the 1990 US census lists rarely or not at all.
WORLD = """
aarav abhishek aditi aditya ajay akash alok amit amitabh anand ananya anil anita anjali ankit
anupam arjun arun arvind ashok asha deepa deepak deepika dinesh divya farhan fatima ganesh
gaurav geeta girish harish harsha imran irfan jyoti kavita kavya kiran krishna lakshmi mahesh
manish manoj meena meera mohan nandini naveen neha nikhil nisha pallavi pooja pradeep prakash
pranav preeti priya priyanka rahul raj rajesh rajiv ramesh ravi rekha ritu rohan rohit sachin
sandeep sanjay santosh sarita shalini shreya shweta srinivas sunil sunita suresh swati tariq
usman vandana venkat vijay vikram vinod vivek yash zainab ayesha bilal salman hussain
alejandro andres andrés beatriz camila diego eduardo facundo fernanda gabriela gonzalo gustavo
hernan hernán ignacio javier joaquin joaquín joao joão juliana larissa leticia luciana mariana
mateo matheus rodrigo santiago sergio thiago tiago valentina vinicius ximena guilherme renata
adebayo akua amara ayanda baraka bongani chidi chinedu emeka femi folake juma kagiso kamau kofi
kojo kwame lerato mwangi ngozi nkechi nomvula njeri otieno segun sipho thabo thandi themba
tshepo tunde wambui wanjiru yetunde zanele zawadi
anders astrid birgit dariusz florian heike henrik ingrid jonas jurgen jürgen katja klaus lars
lukas malgorzata matthias mikkel niklas nils piotr pawel paweł pieter sigrid soren søren sven
tobias tomasz ursula agnieszka katarzyna krzysztof marek jakub alessandro chiara francesca
giovanni giulia giuseppe lorenzo luca matteo aurelie aurélie camille chloe chloé elodie
élodie olivier pierre sophie thierry andrei dmitri irina natasha oksana sergei yulia aisling
aoife ciara cormac declan dermot eoin fergus niamh padraig saoirse seamus siobhan callum
fiona gemma graeme hamish iain kirsty lachlan nigel rhiannon rhys rory bronwyn darren shane
akira haruto hiroshi kenji keiko satoshi takeshi duc huong thanh arnel jomar maricel marites
rommel ahmed amir karim khalid layla leila mehdi mohamed mohammed muhammad noor nour parisa reza
rania samir shirin tarek youssef yusuf ziad
""".split()


def census(path):
    with open(path, encoding="ascii") as f:
        return [line.split()[0].lower() for line in f if line.strip()]


def words(path):
    if path.endswith(".pickle"):
        with open(path, "rb") as f:
            return {w for w in pickle.load(f) if w.islower()}
    with open(path, encoding="utf-8") as f:
        return {w.strip() for w in f if w.strip().islower()}


def main():
    names_dir, web2 = sys.argv[1], sys.argv[2]
    common = words(web2)
    names = set(census(f"{names_dir}/dist.male.first") + census(f"{names_dir}/dist.female.first"))
    names = {n for n in names if len(n) >= 3 and (n not in common or n in KEEP)}
    names |= set(WORLD)
    names -= set(DROP)
    print("# First names the engine reads as `{name}` in any case (\"anne to share the list\"), as it")
    print("# reads a capitalised word no rule knows. Generated by scripts/first_names.py from the US")
    print("# Census Bureau's 1990 first-name files (public domain), less the lower-case words of Webster's")
    print("# Second International (1934, public domain), plus common given names from outside the US;")
    print("# edit the script's lists, not this file. A name a rule uses as a word (\"lois\") is not read.")
    print("first_names = [")
    line = " "
    for n in sorted(names):
        item = f' "{n}",'
        if len(line) + len(item) > 100:
            print(line)
            line = " "
        line += item
    print(line)
    print("]")


if __name__ == "__main__":
    main()
